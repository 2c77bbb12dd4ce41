"""No leaks, proven: a canary sentence planted in the gated part of metered (after the
limit) and premium articles is absent from everything a non-entitled reader can fetch."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client

from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

CANARY = "Quixotic marmosets juggle seventeen turquoise abacuses"
CANARY_WORDS = ["Quixotic", "marmosets", "turquoise", "abacuses"]
BODY = (
    "<p>The opening paragraph anyone may read.</p>"
    f"<p>{CANARY} behind the paywall.</p>"
    "<!-- an editor's note --><blockquote>More gated words: marmoset testimony.</blockquote>"
)


@pytest.fixture(autouse=True)
def _one_month():
    """The reader has used up this month's allowance: each test runs from a named instant in
    mid-month, so a month's end during the test cannot hand back a fresh one (and show the
    text for a reason that is not a leak)."""
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def gated(publication):
    """A premium story and a metered one the reader can no longer open; the reader's client."""
    section = SectionFactory(name="Canary Desk", slug="canary-desk")
    tag = TagFactory(name="Canaries", slug="canaries")
    author = AuthorFactory(name="Cora Canary", slug="cora-canary")
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM, section=section, tags=[tag], authors=[author])
    metered = ArticleFactory(body=BODY, section=section, tags=[tag], authors=[author])
    client = Client()
    for _ in range(5):
        client.get(ArticleFactory(section=section).get_absolute_url(), follow=True)
    return client, premium, metered, section, tag, author


def assert_no_canary(response, what, echo: str = ""):
    """The canary and its words appear nowhere (except `echo`: the reader's own query)."""
    text = response.content.decode("utf-8", "replace")
    if echo:
        # The reader's own words come back in the search box, the title, pagination and
        # the login link's next=; those are not the article's text.
        text = re.sub(r"next=[^\"&]*", "", text)
        for form in (echo, html.escape(echo), quote_plus(echo), quote(echo)):
            text = re.sub(re.escape(form), "", text, flags=re.I)
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    for needle in [CANARY, *CANARY_WORDS, "marmoset testimony"]:
        assert needle.lower() not in text.lower(), f"{what} leaks {needle!r}"
        assert needle.lower() not in headers.lower(), f"{what} headers leak {needle!r}"


def test_the_page_of_a_gated_story_holds_no_gated_text_anywhere(gated):
    client, premium, metered, *_ = gated
    for article in (premium, metered):
        response = client.get(article.get_absolute_url(), follow=True)
        page = response.content.decode()

        assert response.status_code == 200
        assert "The opening paragraph anyone may read." in page
        assert_no_canary(response, article.get_absolute_url())
        # Belt and braces: nothing hidden, no data attributes or noscript carrying text.
        assert "<noscript" not in page
        assert not re.search(r'data-[a-z-]+="[^"]{40,}"', page)
        assert " hidden" not in page and "display:none" not in page.replace(" ", "")


def test_json_ld_and_social_meta_hold_no_gated_text(gated):
    client, premium, metered, *_ = gated
    for article in (premium, metered):
        page = client.get(article.get_absolute_url(), follow=True).content.decode()
        head = page.split("</head>")[0]
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
        metas = re.findall(r"<meta[^>]+>", page)

        assert scripts and metas
        for chunk in [head, *scripts, *metas]:
            assert CANARY not in chunk
            assert "marmosets" not in chunk


def test_a_cookieless_client_gets_no_gated_text(gated):
    _, premium, metered, *_ = gated
    for article in (premium, metered):
        first = Client().get(article.get_absolute_url())
        assert_no_canary(first, "cookie check redirect")
        if first.status_code == 302:
            assert_no_canary(Client().get(first["Location"]), "cookieless return")


def test_the_print_view_holds_no_gated_text(gated):
    client, premium, metered, *_ = gated
    for article in (premium, metered):
        assert_no_canary(client.get(article.get_absolute_url() + "?print=1", follow=True), "print view")


def test_the_api_holds_no_gated_text(gated):
    client, premium, metered, *_ = gated
    assert_no_canary(client.get("/api/articles/"), "API list")
    assert_no_canary(Client().get("/api/articles/"), "API list (new client)")
    for article in (premium, metered):
        assert_no_canary(client.get(f"/api/articles/{article.pk}/"), "API detail")
        assert_no_canary(Client().get(f"/api/articles/{article.pk}/"), "API detail (new client)")


@pytest.mark.parametrize("url", [
    "/", "/rss/", "/atom/", "/section/canary-desk/", "/section/canary-desk/rss/", "/section/canary-desk/atom/",
    "/tag/canaries/", "/author/cora-canary/", "/archive/", "/sitemap.xml", "/sitemap-news.xml",
])
def test_listings_feeds_and_sitemaps_hold_no_gated_text(gated, url):
    client, *_ = gated
    response = client.get(url, follow=True)

    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert_no_canary(response, url)
    assert_no_canary(Client().get(url, follow=True), url + " (new client)")


def test_every_sitemap_section_holds_no_gated_text(gated):
    client, *_ = gated
    index = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", index)

    assert locations
    for path in locations:
        assert_no_canary(client.get(path), path)


def test_search_results_hold_no_gated_text(gated):
    client, *_ = gated
    for query in [CANARY, *CANARY_WORDS, "marmoset testimony"]:
        response = client.get("/search/", {"q": query})

        assert response.status_code == 200
        assert_no_canary(response, f"/search/?q={query}", echo=query)


# --- bodies that cannot be split, or only just -------------------------------------------------
# Each body carries the canary in its gated part: all of it when it cannot be split.
# `raw` bodies are stored as they came (an import or a data migration that bypassed the
# cleaner): the split must hold for markup the cleaner would have changed.
OPEN = "The opening paragraph anyone may read."
ODD_BODIES = {
    "a list": (f"<ul><li>{CANARY}.</li><li>More gated words: marmoset testimony.</li></ul>", 1, False, ""),
    "a table": (f"<table><tbody><tr><td>{CANARY}</td><td>marmoset testimony</td></tr></tbody></table>", 1, False, ""),
    "a quote": (f"<blockquote><p>{CANARY}.</p><p>marmoset testimony</p></blockquote>", 1, False, ""),
    "nested divs": (f"<div><div><p>{CANARY}.</p></div><p>marmoset testimony</p></div>", 1, True, ""),
    "one paragraph": (f"<p>{CANARY} behind the paywall.</p>", 1, False, ""),
    "plain text": (f"{CANARY} in plain text.\n\nMore gated words: marmoset testimony.", 1, False, ""),
    "an embed": (f'<iframe src="https://video.example/embed/1" title="{CANARY}"></iframe>', 1, True, ""),
    "an image": (f'<figure><img src="/media/x.jpg" alt="{CANARY}"><figcaption>marmoset testimony</figcaption>'
                 "</figure>", 1, False, ""),
    "a heading and one paragraph": (f"<h2>{CANARY}</h2><p>marmoset testimony</p>", 1, False, ""),
    "one paragraph and an empty one": (f"<p>{CANARY}.</p><p>&nbsp;</p>", 1, False, ""),
    "one paragraph and a list": (f"<p>{OPEN}</p><ul><li>{CANARY}.</li></ul>", 2, False, OPEN),
    "two paragraphs, a teaser of two": (f"<p>{OPEN}</p><p>{CANARY}.</p>", 2, False, OPEN),
    "a note between paragraphs": (f"<p>{OPEN}</p><!-- {CANARY} --><p>Second.</p><p>marmoset testimony</p>", 2,
                                  True, OPEN),
}


def _reader(persona: str, section) -> Client:
    """A client for the persona, over the monthly limit of free metered reads."""
    from django.contrib.auth import get_user_model

    from masthead.billing.models import Plan, Subscription
    from masthead.core import clock

    client = Client()
    if persona != "anonymous":
        user = get_user_model().objects.create_user(persona, f"{persona}@example.com", "pw-canary-1234")
        if persona == "lapsed":
            plan = Plan.objects.create(code="canary-plan", name="Canary Plan", price=90000, term_months=3)
            ended = clock.now() - dt.timedelta(days=10)
            Subscription.objects.create(
                user=user, plan=plan, state=Subscription.State.EXPIRED, gateway="sandbox",
                current_period_start=ended - dt.timedelta(days=90), current_period_end=ended,
                ended_at=ended, created_at=ended - dt.timedelta(days=90), updated_at=ended,
            )
        client.force_login(user)
    for _ in range(5):
        client.get(ArticleFactory(section=section).get_absolute_url(), follow=True)
    return client


@pytest.mark.parametrize("persona", ["anonymous", "registered", "lapsed"])
@pytest.mark.parametrize("case", list(ODD_BODIES))
def test_a_body_that_splits_badly_leaks_on_no_channel(publication, settings, case, persona):
    body, paragraphs, raw, visible = ODD_BODIES[case]
    settings.MASTHEAD_TEASER_PARAGRAPHS = paragraphs
    section = SectionFactory(name="Canary Desk", slug="canary-desk")
    tag = TagFactory(name="Canaries", slug="canaries")
    author = AuthorFactory(name="Cora Canary", slug="cora-canary")
    stories = [ArticleFactory(body=body, access=access, section=section, tags=[tag], authors=[author])
               for access in (Article.Access.PREMIUM, Article.Access.METERED)]
    if raw:
        Article.objects.filter(pk__in=[s.pk for s in stories]).update(body=body)
    client = _reader(persona, section)

    for story in stories:
        url = story.get_absolute_url()
        page = client.get(url, follow=True)
        assert page.status_code == 200
        assert page.context["decision"].granted is False, f"{url} should be gated for {persona}"
        assert_no_canary(page, f"{case}: article page for {persona}")
        assert story.standfirst in page.content.decode()
        assert visible in page.content.decode()
        assert_no_canary(client.get(url + "?print=1", follow=True), f"{case}: print view for {persona}")
        detail = client.get(f"/api/articles/{story.pk}/")
        assert detail.json()["granted"] is False
        assert_no_canary(detail, f"{case}: API detail for {persona}")
        if persona == "anonymous":
            first = Client().get(url)
            assert_no_canary(first, f"{case}: cookie check redirect")
            assert first.status_code == (302 if story.access == Article.Access.METERED else 200)
            if first.status_code == 302:
                back = Client().get(first["Location"])  # a browser that keeps no cookies
                assert back.context["decision"].granted is False
                assert_no_canary(back, f"{case}: page after the cookie check")
    for path in ["/api/articles/", "/rss/", "/atom/", "/section/canary-desk/rss/", "/section/canary-desk/atom/",
                 "/section/canary-desk/", "/tag/canaries/", "/author/cora-canary/", "/sitemap-news.xml"]:
        assert_no_canary(client.get(path, follow=True), f"{case}: {path} for {persona}")
    index = client.get("/sitemap.xml").content.decode()
    for path in ["/sitemap.xml", *re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", index)]:
        assert_no_canary(client.get(path), f"{case}: {path} for {persona}")
    for query in ["Quixotic marmosets", "marmoset testimony"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert_no_canary(response, f"{case}: /search/?q={query} for {persona}", echo=query)


# --- search: the body is searched, never quoted to a reader who may not read it ---------------
def test_search_finds_gated_stories_by_their_body_yet_quotes_none_of_it(gated):
    client, premium, metered, *_ = gated
    for query in ["marmosets", "turquoise abacuses", '"seventeen turquoise"', "marmoset testimony"]:
        response = client.get("/search/", {"q": query})
        page = response.content.decode()

        assert premium.headline in page and metered.headline in page, f"{query!r} should find both stories"
        assert_no_canary(response, f"/search/?q={query}", echo=query)


def test_search_quotes_the_body_to_a_reader_who_may_read_it(gated, django_user_model):
    _, premium, metered, *_ = gated
    staff = django_user_model.objects.create_user("desk", "desk@example.com", "pw-desk-1234", is_staff=True)
    client = Client()
    client.force_login(staff)

    page = client.get("/search/", {"q": "marmosets"}).content.decode()

    # The same search that quotes nothing gated above quotes the canary here: the gate is
    # the reader's access, not a search that never looks at the body.
    assert "<mark>marmosets</mark>" in page
    assert premium.headline in page and metered.headline in page


def test_a_search_counts_no_read_on_the_meter(publication):
    from masthead.access.meter.base import get_store  # noqa: F401  (the store the page uses)

    stories = [ArticleFactory(headline=f"Pelican {n}", body="<p>Pelican news.</p>") for n in range(3)]
    client = Client()
    client.get(stories[0].get_absolute_url(), follow=True)  # one read counted, the cookie set
    for _ in range(3):
        client.get("/search/", {"q": "pelican"})

    page = client.get(stories[1].get_absolute_url(), follow=True)
    assert page.context["decision"].used == 2  # the first read and this one; no search counted
def test_newsletter_copies_for_recipients_without_the_benefit_hold_no_gated_text(gated, registered_reader):
    """A newsletter issue carrying the gated stories, to an address without an account and to a
    registered reader without a subscription: no part, header or link of either copy carries them."""
    from django.core import mail

    from masthead.newsletters import sending
    from masthead.newsletters.models import Issue, IssueArticle, NewsletterList, Signup

    _, premium, metered, *_ = gated
    newsletter = NewsletterList.objects.create(slug="canary-letter", name="Canary Letter",
                                               shows=NewsletterList.Shows.FULL_TEXT)
    for email, user in (("visitor@example.net", None), (registered_reader.email, registered_reader)):
        Signup.objects.create(newsletter=newsletter, email=email, user=user, status=Signup.Status.CONFIRMED,
                              created_at=clock.now())
    issue = Issue.objects.create(newsletter=newsletter, subject="Canary issue")
    IssueArticle.objects.create(issue=issue, article=premium, position=0)
    IssueArticle.objects.create(issue=issue, article=metered, position=1)

    sending.send_issue(issue, rate=0)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        raw = message.message().as_string()
        text = message.body + "".join(content for content, _ in message.alternatives)
        assert premium.headline in text and metered.headline in text
        for needle in [CANARY, *CANARY_WORDS, "marmoset testimony"]:
            assert needle.lower() not in raw.lower(), f"newsletter to {message.to} leaks {needle!r}"
            assert needle.lower() not in text.lower(), f"newsletter to {message.to} leaks {needle!r}"
