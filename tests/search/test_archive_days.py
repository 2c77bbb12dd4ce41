"""The archive's day rows (content.rollup): kept by every save and delete, today counted
live, rebuilt from the stories, and what the year lists and the sitemap index read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.content import actions, listings, rollup, sitemaps
from masthead.content.models import ArchiveDay, Article, Publication
from masthead.core import clock
from tests.content.factories import ArticleFactory, PublicationFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT, ORDINARY_DAY

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _at_a_known_instant(db):
    PublicationFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def rows() -> dict[dt.date, int]:
    return dict(ArchiveDay.objects.order_by("day").values_list("day", "stories"))


def test_every_save_and_delete_recounts_the_stories_day():
    march = dt.datetime(2004, 3, 9, 6, tzinfo=UTC)
    first = ArticleFactory(published_at=march)
    second = ArticleFactory(published_at=march + HOUR)
    assert rows() == {dt.date(2004, 3, 9): 2}

    second.published_at = dt.datetime(2004, 3, 11, 6, tzinfo=UTC)  # moved: both days recounted
    second.save()
    assert rows() == {dt.date(2004, 3, 9): 1, dt.date(2004, 3, 11): 1}

    actions.withdraw_article(first)
    assert rows() == {dt.date(2004, 3, 11): 1}
    actions.delete_article(Article.objects.get(pk=second.pk))
    assert rows() == {}
    ArticleFactory(published_at=march, status=Article.Status.DRAFT)
    assert rows() == {}


def test_a_day_is_the_publications_local_day():
    # 00:15 on 2 December in Kolkata, still 1 December in UTC.
    ArticleFactory(published_at=IST_JUST_AFTER_MIDNIGHT)
    assert rows() == {dt.date(2026, 12, 2): 1}


def test_a_new_time_zone_counts_the_days_again(django_capture_on_commit_callbacks):
    # 22:00 UTC on 9 March: 10 March in Kolkata, 9 March in London.
    ArticleFactory(published_at=dt.datetime(2004, 3, 9, 22, tzinfo=UTC))
    assert rows() == {dt.date(2004, 3, 10): 1}
    publication = Publication.objects.get()
    publication.time_zone = "Europe/London"
    with django_capture_on_commit_callbacks(execute=True):
        publication.save()
    assert rows() == {dt.date(2004, 3, 9): 1}


def test_the_last_change_of_a_day_is_its_latest_update_or_publication():
    story = ArticleFactory(published_at=dt.datetime(2010, 5, 5, 6, tzinfo=UTC))
    assert ArchiveDay.objects.get().last_modified == dt.datetime(2010, 5, 5, 6, tzinfo=UTC)
    actions.update_article(story, standfirst="Corrected figures.", updated_at=dt.datetime(2019, 1, 1, tzinfo=UTC))
    assert ArchiveDay.objects.get().last_modified == dt.datetime(2019, 1, 1, tzinfo=UTC)

    files = sitemaps.article_files()
    assert [(f.year, f.lastmod) for f in files] == [(2010, dt.datetime(2019, 1, 1, tzinfo=UTC))]


def test_today_is_counted_from_the_stories_so_a_scheduled_one_appears_at_its_time():
    today = rollup.local_day(clock.now())
    ArticleFactory(published_at=clock.now() - HOUR)
    ArticleFactory(published_at=clock.now() + 2 * HOUR, status=Article.Status.SCHEDULED)
    ArticleFactory(published_at=clock.now() + 24 * HOUR, status=Article.Status.SCHEDULED)

    assert listings.archive_days(today.year, today.month)[0] == listings.Period(today, 1)
    assert listings.archive_years()[0].count == 1
    with clock.travel(ORDINARY_DAY + 3 * HOUR):
        assert listings.archive_days(today.year, today.month)[0] == listings.Period(today, 2)
    # Two days on, both days are in the past: read from their rows.
    with clock.travel(ORDINARY_DAY + 48 * HOUR):
        days = listings.archive_days(today.year, today.month)
        assert days[:2] == [listings.Period(today + dt.timedelta(days=1), 1), listings.Period(today, 2)]
        assert listings.archive_years()[0].count == 3


def test_rebuild_counts_what_bypassed_the_receivers_and_drops_what_is_gone():
    story = ArticleFactory(published_at=dt.datetime(2001, 1, 1, 6, tzinfo=UTC))
    Article.objects.bulk_create([Article(headline=f"Bulk {n}", slug=f"bulk-{n}", section=story.section,
                                         status=Article.Status.PUBLISHED,
                                         published_at=dt.datetime(1999, 7, 1 + n, 6, tzinfo=UTC))
                                 for n in range(3)])
    Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)  # no signal
    assert rows() == {dt.date(2001, 1, 1): 1}

    progress = []
    assert rollup.rebuild(lambda done, total: progress.append((done, total))) == 3
    assert rows() == {dt.date(1999, 7, 1): 1, dt.date(1999, 7, 2): 1, dt.date(1999, 7, 3): 1}
    assert progress[-1] == (1, 1)  # a year at a time: 1999 is the only year left
    Article.objects.all().update(status=Article.Status.DRAFT)
    assert rollup.rebuild() == 0
    assert rows() == {}


def test_the_years_and_the_sitemap_index_read_day_rows_not_every_story():
    for year in (1997, 2005, 2020):
        ArticleFactory(published_at=dt.datetime(year, 6, 1, 6, tzinfo=UTC))
    ArticleFactory(published_at=clock.now() - HOUR)

    def story_reads(captured):
        # Leaving out the cache's own probe for the next scheduled story (content.freshness).
        return [q["sql"] for q in captured.captured_queries
                if '"content_article"' in q["sql"] and '"published_at" > ' not in q["sql"]]

    with CaptureQueriesContext(connection) as years:
        assert [p.start.year for p in listings.archive_years()] == [2026, 2020, 2005, 1997]
    # Today's stories (one day's range) and nothing per year.
    assert len(story_reads(years)) == 1, story_reads(years)
    with CaptureQueriesContext(connection) as files:
        assert [f.year for f in sitemaps.article_files()] == [1997, 2005, 2020, 2026]
    assert len(story_reads(files)) == 1, story_reads(files)
