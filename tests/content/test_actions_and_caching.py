"""Publishing actions, and the listing caches that must never hide a story past its time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from masthead.content import actions, freshness
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_publish_now_stamps_the_current_time(publication, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    moment = dt.datetime(2026, 6, 15, 4, 30, tzinfo=dt.timezone.utc)

    with clock.travel(moment, frozen=True):
        actions.publish_article(article, by=editor)

    article.refresh_from_db()
    assert (article.status, article.published_at, article.published_by) == (Article.Status.PUBLISHED, moment, editor)


def test_publish_at_a_future_time_schedules(publication):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    at = clock.now() + dt.timedelta(hours=3)

    actions.publish_article(article, at=at)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.SCHEDULED, at)


def test_publish_at_a_past_time_publishes_with_that_time(publication):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    at = clock.now() - dt.timedelta(days=1)

    actions.publish_article(article, at=at)

    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, at)


def test_republishing_a_withdrawn_story_keeps_its_dated_url(publication):
    article = ArticleFactory(published_at=dt.datetime(2025, 1, 2, 6, 0, tzinfo=dt.timezone.utc))
    url = article.get_absolute_url()
    actions.withdraw_article(article)

    actions.publish_article(article)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.get_absolute_url() == url == f"/2025/01/02/{article.slug}/"


def test_withdraw_and_unpublish(publication):
    withdrawn, drafted = ArticleFactory(), ArticleFactory()

    actions.withdraw_article(withdrawn)
    actions.unpublish_article(drafted)

    assert Article.objects.get(pk=withdrawn.pk).status == Article.Status.WITHDRAWN
    assert Article.objects.get(pk=drafted.pk).status == Article.Status.DRAFT
    assert list(Article.objects.live()) == []


def test_publish_refuses_a_naive_time(publication):
    with pytest.raises(ValueError):
        actions.publish_article(ArticleFactory(), at=dt.datetime(2026, 1, 1, 10, 0))


def test_actions_change_the_content_version(publication):
    article = ArticleFactory()
    before = freshness.version()

    actions.withdraw_article(article)

    assert freshness.version() != before


@pytest.mark.django_db(transaction=True)
def test_the_content_version_changes_again_on_commit(publication):
    article = ArticleFactory()
    with transaction.atomic():  # a request's or a task's transaction around the action
        actions.withdraw_article(article)
        during = freshness.version()

    assert freshness.version() != during


def test_a_withdrawn_story_leaves_the_cached_front_page(client, publication):
    article = ArticleFactory(headline="Soon to be pulled")
    assert "Soon to be pulled" in client.get("/").content.decode()

    actions.withdraw_article(article)

    assert "Soon to be pulled" not in client.get("/").content.decode()


def test_a_scheduled_story_appears_on_the_cached_home_page_at_its_time(client, publication):
    now = dt.datetime(2026, 6, 15, 4, 30, tzinfo=dt.timezone.utc)
    with clock.travel(now, frozen=True):
        ArticleFactory(headline="Already out", published_at=now - dt.timedelta(hours=1))
        scheduled = ArticleFactory(headline="Embargoed until ten past", status=Article.Status.DRAFT, published_at=None)
        actions.publish_article(scheduled, at=now + dt.timedelta(minutes=10))
        before = client.get("/").content.decode()
    # No job runs in between; only the clock moves.
    with clock.travel(now + dt.timedelta(minutes=10, seconds=1), frozen=True):
        after = client.get("/").content.decode()

    assert "Already out" in before and "Embargoed until ten past" not in before
    assert "Embargoed until ten past" in after


def test_cache_entries_end_at_the_next_scheduled_story(publication):
    now = clock.now()
    ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(minutes=3))
    ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(hours=3))

    assert freshness.valid_until(now) == now + dt.timedelta(minutes=3)
    assert freshness.valid_until(now, dt.timedelta(minutes=1)) == now + dt.timedelta(minutes=1)


def test_anonymous_listing_pages_are_served_without_queries_or_session(client, publication, django_assert_num_queries):
    SectionFactory(name="Markets", slug="markets")
    ArticleFactory(headline="Cached story")
    first = client.get("/")
    client.get("/section/markets/")

    with django_assert_num_queries(0):
        second = client.get("/")
        client.get("/section/markets/")

    assert second.content == first.content
    assert "Cached story" in second.content.decode()
    assert second["Vary"] == "Cookie"
    assert "sessionid" not in second.cookies and "sessionid" not in client.cookies


def test_a_logged_in_reader_gets_a_fresh_rendering(client, publication, editor):
    ArticleFactory(headline="For everyone")
    assert "Log in" in client.get("/").content.decode()

    client.force_login(editor)
    html = client.get("/").content.decode()

    assert "My account" in html and ">Log in<" not in html


def test_editing_a_section_name_refreshes_navigation_and_cards(client, publication):
    section = SectionFactory(name="Money", slug="money")
    ArticleFactory(section=section)
    assert ">Money</a>" in client.get("/").content.decode()

    section.name = "Personal Finance"
    section.save()

    html = client.get("/").content.decode()
    assert ">Personal Finance</a>" in html and ">Money</a>" not in html


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)  # the action commits, as in a request
def test_with_a_shared_cache_the_version_lives_in_the_cache(settings, publication):
    if not settings.REDIS_URL:
        pytest.skip("needs MASTHEAD_REDIS_URL")
    from django.core.cache import cache

    before = freshness.version()
    assert cache.get("version:content:") == before

    actions.withdraw_article(ArticleFactory())

    assert cache.get("version:content:") == freshness.version() != before


@pytest.mark.django_db(transaction=True)  # the action commits, as in a request
def test_with_a_per_process_cache_the_version_is_a_file_every_worker_reads(settings, publication):
    if settings.REDIS_URL:
        pytest.skip("the embedded default's variant")
    before = freshness.version()

    actions.withdraw_article(ArticleFactory())

    token = (settings.DATA_DIR / "cache-versions" / "content").read_text()
    assert token == freshness.version() != before
    assert len(token) == 32


def is_kept(full_path: str) -> bool:
    """Whether the page cache holds the anonymous page for this address."""
    from django.test import RequestFactory

    from masthead.content import page_cache
    from masthead.core import cache

    key = page_cache.page_key(RequestFactory().get(full_path), "testserver", None)
    return cache.slot("content", key, local=True).get() is not cache.MISS


def test_only_the_page_parameter_makes_a_separate_cached_page(client, publication):
    ArticleFactory(headline="Tracked story")
    tracked = client.get("/?utm_source=newsletter")
    client.get("/?page=1")

    assert "Tracked story" in tracked.content.decode()
    assert not is_kept("/?utm_source=newsletter")
    assert is_kept("/?page=1")


def test_anonymous_pages_are_shared_cacheable_for_a_minute_at_most_and_never_past_a_scheduled_story(client, publication):
    now = dt.datetime(2026, 6, 15, 4, 30, tzinfo=dt.timezone.utc)
    with clock.travel(now, frozen=True):
        ArticleFactory()
        relaxed = client.get("/")
        ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(seconds=20))
        soon = client.get("/")

    assert relaxed["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert soon["Cache-Control"] == "public, max-age=0, s-maxage=20"


def test_a_logged_in_readers_page_is_private(client, publication, editor):
    client.force_login(editor)

    response = client.get("/")

    assert response["Cache-Control"] == "private"
    assert "Cookie" in response["Vary"]


def test_the_page_cache_serves_finished_responses_with_their_headers(
    client, publication, django_assert_num_queries, monkeypatch
):
    ArticleFactory(headline="Early bird")
    first = client.get("/")
    from masthead.content import views

    def exploding(*args, **kwargs):
        raise AssertionError("the view ran on a cached request")

    monkeypatch.setattr(views.listings, "front_page", exploding)
    with django_assert_num_queries(0):
        second = client.get("/")

    assert second.content == first.content
    assert "Early bird" in second.content.decode()
    assert second["X-Frame-Options"] == "DENY"
    assert second["Vary"] == "Cookie"
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_the_page_cache_keeps_no_personal_page_and_follows_the_content(
    client, publication, editor
):
    article = ArticleFactory(headline="Soon withdrawn")
    assert "Soon withdrawn" in client.get("/").content.decode()

    actions.withdraw_article(article)
    anonymous = client.get("/").content.decode()
    client.force_login(editor)
    personal = client.get("/")

    assert "Soon withdrawn" not in anonymous
    assert "My account" in personal.content.decode() and personal["Cache-Control"] == "private"
    client.logout()
    assert "My account" not in client.get("/").content.decode()


def test_the_page_cache_ignores_pages_not_marked_cacheable(client, publication):
    ArticleFactory(headline="Searchable")

    client.get("/search/?q=searchable")
    response = client.get("/robots.txt")

    assert response.status_code == 200 and "Cache-Control" not in response
    assert not is_kept("/robots.txt")
    assert not is_kept("/search/?q=searchable")
    client.get("/")
    assert is_kept("/")
