"""A visitor joins a free newsletter, confirms by e-mail, receives an issue, and leaves in
one click from it: with JavaScript on and off."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.browser import journeys as step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsletter():
    from masthead.newsletters.models import NewsletterList
    from tests.content.factories import PublicationFactory

    PublicationFactory(name="The Journey Herald")
    return NewsletterList.objects.create(slug="morning-brief", name="The Morning Brief", topic="News",
                                         cadence="daily", description="The day's essential stories.")


def test_sign_up_confirm_receive_and_unsubscribe(any_page, newsletter):
    from masthead.newsletters import sending
    from masthead.newsletters.models import Issue, IssueArticle, Signup
    from tests.content.factories import ArticleFactory

    page = any_page
    page.goto("/newsletters/")
    assert "The Morning Brief" in step.text_of(page)
    page.fill("#nl-morning-brief-email", "journey@example.net")
    page.click("#nl-morning-brief ~ form button[type=submit]")
    assert "Check your inbox" in step.text_of(page)
    assert Signup.objects.get().status == "pending"

    link = re.search(r"https?://\S+/newsletters/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(urlsplit(link).path)
    page.click("main button[type=submit]")
    assert "You are subscribed" in step.text_of(page)
    assert Signup.objects.get().status == "confirmed"

    issue = Issue.objects.create(newsletter=newsletter, subject="Your morning brief")
    IssueArticle.objects.create(issue=issue, article=ArticleFactory(headline="Monsoon arrives early"))
    mail.outbox.clear()
    sending.send_issue(issue, rate=0)
    received = mail.outbox[0]
    assert received.to == ["journey@example.net"]
    leave = received.extra_headers["List-Unsubscribe"].strip("<>")
    html = received.alternatives[0][0]
    assert leave in html and "Monsoon arrives early" in html

    page.goto(urlsplit(leave).path)
    assert "Unsubscribe from The Morning Brief" in step.text_of(page)
    page.click("main button[type=submit]")
    assert "You are unsubscribed" in step.text_of(page)
    assert Signup.objects.get().status == "left"
