"""The article page: metering through a real browser-like client, the paywall, headers."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection

from masthead.access.models import AccessRules
from masthead.billing.demo import seed_plans
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory, WireArticleFactory

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph for everyone.</p><p>Second paragraph, gated.</p><p>Third paragraph, gated.</p>"


def read(client, article, **extra):
    """Open the article as a browser would: following the one cookie-check redirect."""
    return client.get(article.get_absolute_url(), follow=True, **extra)


def metered(n, **kwargs):
    return [ArticleFactory(body=BODY, **kwargs) for _ in range(n)]


def test_a_new_browser_reads_exactly_the_limit_then_sees_the_paywall(publication):
    seed_plans(progress=lambda *_: None)
    articles = metered(6)
    client = Client()

    pages = [read(client, a) for a in articles]

    for page in pages[:5]:
        assert "Second paragraph, gated." in page.content.decode()
    last = pages[5].content.decode()
    assert "Second paragraph, gated." not in last
    assert "First paragraph for everyone." in last
    assert "You've reached your limit of 5 free articles this month." in last
    assert "Subscribe now for unlimited access." in last
    assert "₹2,700" in last and "1 year" in last and "₹225/Month" in last
    assert "Renews automatically, cancel anytime" in last
    assert f'/subscribe/?plan=smart-essential&amp;next={articles[5].get_absolute_url()}' in last
    assert f'/accounts/login/?next={articles[5].get_absolute_url()}&amp;from=paywall' in last


def test_the_meter_notice_counts_down(publication):
    articles = metered(2)
    client = Client()

    assert "4 free articles left this month." in read(client, articles[0]).content.decode()
    assert "3 free articles left this month." in read(client, articles[1]).content.decode()
    assert "3 free articles left this month." in read(client, articles[0]).content.decode()


def test_re_opening_a_counted_article_stays_free_after_the_limit(publication):
    articles = metered(6)
    client = Client()
    for a in articles:
        read(client, a)

    again = read(client, articles[0]).content.decode()

    assert "Second paragraph, gated." in again


def test_the_paywall_text_follows_the_live_setting(publication):
    AccessRules.objects.create(free_limit=2)
    articles = metered(3)
    client = Client()
    for a in articles:
        page = read(client, a)

    assert "You've reached your limit of 2 free articles this month." in page.content.decode()


def test_a_premium_story_is_gated_at_the_first_read(publication):
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)

    page = read(Client(), premium).content.decode()

    assert "This story is for subscribers." in page
    assert "Second paragraph, gated." not in page
    assert "First paragraph for everyone." in page


def test_a_free_story_needs_no_cookie_and_may_be_cached_publicly(publication):
    free = ArticleFactory(body=BODY, access=Article.Access.FREE)

    response = Client().get(free.get_absolute_url())

    assert response.status_code == 200
    assert "Third paragraph, gated." in response.content.decode()
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Vary"] == "Cookie"
    assert "mh_meter" not in response.cookies


def test_a_new_client_gets_the_cookie_and_one_redirect(publication):
    article = ArticleFactory(body=BODY)

    response = Client().get(article.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "?m=1"
    assert response.content == b""
    cookie = response.cookies["mh_meter"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 400 * 24 * 3600
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_back_from_the_check_with_the_cookie_the_marker_is_dropped(publication):
    article = ArticleFactory(body=BODY)
    client = Client()

    response = client.get(article.get_absolute_url(), follow=True)

    assert response.redirect_chain == [
        (article.get_absolute_url() + "?m=1", 302),
        (article.get_absolute_url(), 302),
    ]
    assert response.status_code == 200


def test_a_cookieless_client_never_receives_the_gated_text(publication):
    articles = metered(3)
    for article in articles:
        url = article.get_absolute_url()
        first = Client().get(url)
        came_back = Client().get(first["Location"])  # a fresh client: it kept no cookie
        bodies = first.content.decode() + came_back.content.decode()

        assert first.status_code == 302
        assert came_back.status_code == 200
        assert "Free articles need cookies." in bodies
        assert "Second paragraph, gated." not in bodies
        assert "Third paragraph, gated." not in bodies
        assert "First paragraph for everyone." in came_back.content.decode()


def test_metered_pages_are_private_and_vary_on_cookie(publication):
    article = ArticleFactory(body=BODY)

    response = read(Client(), article)

    assert response["Cache-Control"] == "private, no-store"
    assert response["Vary"] == "Cookie"


def test_gated_pages_name_the_paywalled_part_in_json_ld(publication):
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM, headline="Gated story")

    page = read(Client(), premium).content.decode()

    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Gated story"
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"] == {"@type": "WebPageElement", "isAccessibleForFree": False,
                               "cssSelector": ".paywalled-content"}
    assert '<div class="paywalled-content">' in page


def test_free_articles_say_so_in_json_ld(publication):
    free = ArticleFactory(body=BODY, access=Article.Access.FREE)

    page = Client().get(free.get_absolute_url()).content.decode()

    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert data["isAccessibleForFree"] is True
    assert "hasPart" not in data


def test_the_page_shows_byline_section_dates_tags_and_the_wire_disclaimer(publication):
    section = SectionFactory(name="Markets", slug="markets")
    story = WireArticleFactory(
        body=BODY, access=Article.Access.FREE, section=section,
        authors=[AuthorFactory(name="Asha Rao", slug="asha-rao"), AuthorFactory(name="Vik Mehta", slug="vik-mehta")],
        tags=[TagFactory(name="Rupee", slug="rupee")],
        published_at=dt.datetime(2026, 11, 30, 18, 45, tzinfo=dt.timezone.utc),
    )

    page = Client().get(story.get_absolute_url()).content.decode()

    assert "By Asha Rao and Vik Mehta" in page
    assert '<a href="/section/markets/">Markets</a>' in page
    assert "1 December 2026, 00:15 IST" in page
    assert '<a href="/tag/rupee/">Rupee</a>' in page
    assert "Disclaimer: No Test Gazette journalist was involved in creation of this content" in page
    assert '<meta property="og:title" content="' + story.headline + '">' in page


def test_a_wrong_date_redirects_to_the_article(publication):
    article = ArticleFactory(body=BODY, access=Article.Access.FREE)

    response = Client().get("/1999/01/01/" + article.slug + "/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_drafts_and_future_stories_are_not_found(publication):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    later = ArticleFactory(status=Article.Status.SCHEDULED, published_at=clock.now() + dt.timedelta(hours=1))

    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert Client().get(later.get_absolute_url()).status_code == 404
    with clock.travel(dt.timedelta(hours=2)):
        assert read(Client(), later).status_code == 200


def meter_queries() -> int:
    """What one decision costs in SQL: the SQL store's one SELECT, or none on Redis."""
    from django.conf import settings

    return 1 if settings.MASTHEAD_METER_STORE.endswith("SqlMeterStore") else 0


def test_a_repeat_anonymous_read_costs_one_query(publication):
    article = ArticleFactory(body=BODY)
    client = Client()
    read(client, article)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"] * meter_queries()


def test_a_gated_repeat_read_costs_one_query(publication):
    articles = metered(6)
    client = Client()
    for a in articles:
        read(client, a)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(articles[5].get_absolute_url())

    assert "You've reached your limit" in response.content.decode()
    assert len(queries) == meter_queries()


def test_staff_preview_shows_a_draft_in_full_and_is_never_cached(publication, editor):
    draft = ArticleFactory(body=BODY, status=Article.Status.DRAFT, published_at=None)
    client = Client()
    client.force_login(editor)

    response = client.get(f"/preview/{draft.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "PREVIEW" in page and "Third paragraph, gated." in page
    assert response["Cache-Control"] == "private, no-store"


def test_preview_is_for_staff_only(publication, registered_reader):
    draft = ArticleFactory(body=BODY, status=Article.Status.DRAFT, published_at=None)
    client = Client()

    assert client.get(f"/preview/{draft.pk}/").status_code == 302
    client.force_login(registered_reader)
    assert client.get(f"/preview/{draft.pk}/").status_code == 404


def test_the_lead_image_has_its_alt_caption_and_credit(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.FREE, lead_image="articles/2026/12/port.jpg",
                           lead_image_alt="Cranes at the port", lead_image_caption="The port at dawn.",
                           lead_image_credit="Photo: A. Rao")

    page = Client().get(story.get_absolute_url()).content.decode()

    assert ('<figure class="article__figure"><img src="/media/articles/2026/12/port.jpg" alt="Cranes at the port" '
            'loading="eager"><figcaption>The port at dawn. <span class="article__credit">Photo: A. Rao</span>'
            '</figcaption></figure>') in page
    assert '<meta property="og:image" content="http://127.0.0.1:8000/media/articles/2026/12/port.jpg">' in page


def test_an_archive_story_needs_a_subscription(publication):
    old = ArticleFactory(body=BODY, published_at=clock.now() - dt.timedelta(days=45))

    page = read(Client(), old).content.decode()

    assert "This story is in our archive, which is for subscribers." in page
    assert "Second paragraph, gated." not in page


def test_an_entitled_reader_reads_premium_in_full_privately(publication, editor):
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(editor)

    response = client.get(premium.get_absolute_url())

    assert "Third paragraph, gated." in response.content.decode()
    assert "free articles left" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_two_anonymous_readers_share_a_page_shell_but_not_their_counts(publication):
    article = ArticleFactory(body=BODY)
    first, second = Client(), Client()
    read(first, ArticleFactory(body=BODY))
    read(first, ArticleFactory(body=BODY))

    mine = read(first, article).content.decode()
    theirs = read(second, article).content.decode()

    assert "2 free articles left this month." in mine
    assert "4 free articles left this month." in theirs
    assert "<!--mh:meter-notice-->" not in mine + theirs


@pytest.mark.redis
def test_a_page_read_on_the_redis_store_is_one_round_trip(publication, settings, redis_store):
    from masthead.access.meter.base import get_store, reset_store

    from .conftest import REDIS_TEST_URL

    settings.MASTHEAD_METER_STORE = "masthead.access.meter.redis.RedisMeterStore"
    settings.MASTHEAD_METER_REDIS_URL = REDIS_TEST_URL
    reset_store()
    article, other = ArticleFactory(body=BODY), ArticleFactory(body=BODY)
    client = Client()
    read(client, article)
    read(Client(), other)  # someone else opened it: its parts are cached
    store = get_store()
    calls = []
    original = store.client.execute_command
    store.client.execute_command = lambda *args, **kw: calls.append(args[0]) or original(*args, **kw)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(article.get_absolute_url())
        new = client.get(other.get_absolute_url())

    assert "Second paragraph, gated." in again.content.decode() + new.content.decode()
    assert calls == ["EVALSHA", "EVALSHA"]
    assert len(queries) == 0
    for key in store.client.scan_iter(match="mh:meter:{a:*"):
        store.client.delete(key)


def test_the_last_free_read_says_it_is_the_last_on_the_page_and_in_the_api(publication):
    articles = metered(3)
    AccessRules.objects.create(free_limit=2)
    client = Client()
    read(client, articles[0])

    last = read(client, articles[1]).content.decode()
    again = read(client, articles[1]).content.decode()
    api = client.get(f"/api/articles/{articles[0].pk}/").json()

    assert "This is your last free article this month." in last
    assert "0 free articles" not in last
    assert "No free articles left this month." in again
    assert api["meter"]["notice"] == "No free articles left this month."
