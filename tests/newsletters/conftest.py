"""Fixtures for newsletters: a real SMTP server on loopback, lists, stories, recipients."""

from __future__ import annotations

import pytest

from masthead.content.models import Article
from masthead.core import clock
from tests.instants import ORDINARY_DAY

# The canary of the leak suite: planted after the teaser of gated stories.
CANARY = "Quixotic marmosets juggle seventeen turquoise abacuses"
GATED_BODY = ("<p>The opening paragraph anyone may read.</p>"
              f"<p>{CANARY} behind the paywall.</p><blockquote>More gated words: marmoset testimony.</blockquote>")


@pytest.fixture(autouse=True)
def _own_sources_only(settings):
    """Entitlements from staff and complimentary grants (a subscriber is a reader with a grant)."""
    settings.MASTHEAD_ENTITLEMENT_SOURCES = [
        "masthead.access.entitlements.staff_source",
        "masthead.accounts.entitlements.grant_source",
    ]
    settings.MASTHEAD_NEWSLETTER_RATE = 0
    settings.MASTHEAD_PUBLIC_URL = "https://news.example.com"


@pytest.fixture(autouse=True)
def _an_ordinary_day():
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (port 0), and Django's SMTP backend pointed at it."""
    from tests.newsletters.smtp import start

    controller, box = start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield box
    controller.stop()


@pytest.fixture
def publication(db):
    from tests.content.factories import PublicationFactory

    return PublicationFactory(public_url="https://news.example.com", contact_email="desk@example.com")


@pytest.fixture
def stories(publication):
    """A free story, a metered one and a premium one, the last two with the canary after the teaser."""
    from tests.content.factories import ArticleFactory, SectionFactory

    section = SectionFactory(name="Markets", slug="markets")
    free = ArticleFactory(headline="Free story for everyone", access=Article.Access.FREE, section=section)
    metered = ArticleFactory(headline="Metered story about rates", body=GATED_BODY, section=section)
    premium = ArticleFactory(headline="Premium call on the rupee", body=GATED_BODY, section=section,
                             access=Article.Access.PREMIUM, standfirst="Our analyst's view of the week.")
    return free, metered, premium


@pytest.fixture
def newsletter(db):
    from masthead.newsletters.models import NewsletterList

    return NewsletterList.objects.create(slug="markets-weekly", name="Markets Weekly", topic="Markets",
                                         shows=NewsletterList.Shows.FULL_TEXT, sender_name="The Markets Desk",
                                         sender_email="markets@news.example.com")


@pytest.fixture
def subscriber(db):
    """Sita: a reader with a complimentary grant of every benefit (as a subscription gives)."""
    from tests.accounts.factories import GrantFactory, ReaderFactory

    user = ReaderFactory(email="sita@example.com")
    GrantFactory(user=user)
    return user


@pytest.fixture
def reader(db):
    """Rita: a registered reader, no subscription."""
    from tests.accounts.factories import ReaderFactory

    return ReaderFactory(email="rita@example.com")


def confirmed(newsletter, email, user=None):
    from masthead.newsletters.models import Signup

    return Signup.objects.create(newsletter=newsletter, email=email, user=user, status=Signup.Status.CONFIRMED,
                                 created_at=clock.now(), confirmed_at=clock.now())


@pytest.fixture
def issue(newsletter, stories, subscriber, reader):
    """An issue of the three stories, to a subscriber, a registered reader and an address."""
    from masthead.newsletters.models import Issue, IssueArticle

    confirmed(newsletter, subscriber.email, subscriber)
    confirmed(newsletter, reader.email, reader)
    confirmed(newsletter, "visitor@example.net")
    issue = Issue.objects.create(newsletter=newsletter, subject="The week in markets",
                                 introduction="Good morning.\n\nThree stories this week.")
    for n, article in enumerate(stories):
        IssueArticle.objects.create(issue=issue, article=article, position=n)
    return issue
