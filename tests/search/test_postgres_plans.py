"""PostgreSQL finds a query's newest matches three ways (search/postgres.py `_plan`): all of
them from the GIN bitmap, those in a window of publication time sized from the planner's
estimate, or by walking the date index for a word in most stories. Whatever the estimate
says, the page is the same: ranked among the newest CANDIDATES matches. The estimate is
set here by hand, so each way is taken on a small corpus, including a window that proves
too short and is widened."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.content import search
from masthead.content.models import Article
from masthead.content.search import Filters, Query, index, postgres
from masthead.core import clock
from tests.content.factories import ArticleFactory, PublicationFactory
from tests.instants import ORDINARY_DAY

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways to the matches")]
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def corpus(monkeypatch):
    PublicationFactory()
    monkeypatch.setattr(search.limits, "CANDIDATES", 4)
    with clock.travel(ORDINARY_DAY):
        # Jute in ten stories over ten years, the oldest with it in its headline; cotton in
        # all but a few (a word in most stories).
        for n in range(10):
            ArticleFactory(headline="Jute, long ago" if n == 9 else f"Mills {n}", body="<p>Some jute, cotton.</p>",
                           published_at=clock.now() - (n * 365 + 1) * DAY)
        for n in range(20):
            ArticleFactory(headline=f"Looms {n}", body="<p>Cotton.</p>" if n % 5 else "<p>Silk.</p>",
                           published_at=clock.now() - (n * 180 + 2) * DAY)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {postgres.TABLE}")  # the window needs the table's size
        yield


def page(text: str, estimate: float | None, monkeypatch, **filters) -> tuple[list[str], int, str]:
    if estimate is not None:
        monkeypatch.setattr(postgres, "_expected", lambda cursor, condition, params, shares, stories: estimate)
    with CaptureQueriesContext(connection) as captured:
        results = search.find(Query(text, Filters(**filters)))
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    way = "walk" if "enable_bitmapscan = off" in sql else "window" if "d.published_at >= " in sql else "all"
    headlines = dict(Article.objects.filter(pk__in=results.ids).values_list("pk", "headline"))
    return [headlines[i] for i in results.ids], results.total, way


def test_every_way_gives_the_page_ranking_the_newest_candidates_would(monkeypatch):
    expected, total, way = page("jute", 0, monkeypatch)  # an estimate below the window: all matches
    assert way == "all"
    assert expected == ["Mills 0", "Mills 1", "Mills 2", "Mills 3"]  # the newest four; the old headline is out
    assert total == 4

    # The window sized for 2 x 4 matches of an estimated 10 holds them: read only there.
    assert page("jute", 10, monkeypatch) == (expected, 4, "window")
    # Estimated at 40: the window (a fifth of the archive's span, two of the matches) is too
    # short and is widened to all.
    assert page("jute", 40, monkeypatch) == (expected, 4, "window")
    # Estimated in nearly every story: the walk of the date index.
    assert page("jute", 1e9, monkeypatch) == (expected, 4, "walk")


def test_the_walk_and_the_window_keep_the_filters_and_a_date_filter_narrows_the_window(monkeypatch):
    until = (clock.now() - 1000 * DAY).date()
    expected, _, way = page("jute", 0, monkeypatch, until=until)
    assert way == "all" and expected[0] == "Mills 3"
    assert page("jute", 10, monkeypatch, until=until)[0] == expected
    assert page("jute", 1e9, monkeypatch, until=until)[0] == expected
    since = (clock.now() - 800 * DAY).date()
    assert page("jute", 10, monkeypatch, since=since)[:2] == (["Mills 0", "Mills 1", "Mills 2"], 3)


def test_the_real_estimate_gives_the_same_page(monkeypatch):
    # No hand-set estimate: a common word and a rare one both give the ranked newest matches.
    common, rare = page("cotton", None, monkeypatch)[:2], page("silk", None, monkeypatch)[:2]
    assert common == page("cotton", 0, monkeypatch)[:2]
    assert rare == page("silk", 0, monkeypatch)[:2]


def test_several_words_size_the_window_from_the_rarest_words_estimate(monkeypatch):
    # Words of one story are not independent: the joint estimate can be far too low, so the
    # window follows the rarest word's (an upper bound), here 10 against a joint 1.
    expected = page("jute cotton", 0, monkeypatch)[:2]
    assert expected[0][:2] == ["Mills 0", "Mills 1"]
    real_shares = postgres._shares

    def shares(cursor, words):
        found, stories, oldest = real_shares(cursor, words)
        assert len(found) == 2 and stories == 30  # the table's statistics: jute and cotton
        return [10 / stories, 1.0], stories, oldest  # jute in ten stories (an estimate of 10)

    monkeypatch.setattr(postgres, "_shares", shares)
    assert page("jute cotton", 1, monkeypatch) == (*expected, "window")
    # Its joint estimate alone (1) would have read all the matches, not a window.
    monkeypatch.setattr(postgres, "_shares", lambda cursor, words: ([], *real_shares(cursor, [])[1:]))
    assert page("jute cotton", 1, monkeypatch)[2] == "all"


def test_each_year_of_publication_is_its_own_partition_and_a_story_moved_to_another_year_moves(monkeypatch):
    published = set(Article.objects.values_list("published_at", flat=True))
    with connection.cursor() as cursor:
        assert postgres.partition_years(cursor) >= {moment.astimezone(dt.timezone.utc).year for moment in published}
    story = Article.objects.get(headline="Jute, long ago")
    story.published_at = clock.now() - 20 * 365 * DAY
    story.save()
    with connection.cursor() as cursor:
        assert (story.published_at.year) in postgres.partition_years(cursor)
        cursor.execute(f"SELECT count(*), min(tableoid::regclass::text) FROM {postgres.TABLE} WHERE article_id = %s",
                       [story.pk])
        assert cursor.fetchone() == (1, f"{postgres.TABLE}_{story.published_at.year:04d}")
    assert page("jute", None, monkeypatch, until=(story.published_at + DAY).date())[0] == ["Jute, long ago"]


def test_next_years_partition_is_made_ahead():
    with clock.travel(dt.datetime(2031, 6, 1, tzinfo=dt.timezone.utc)):
        index.prepare()
    with connection.cursor() as cursor:
        assert {2031, 2032} <= postgres.partition_years(cursor)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_an_unpartitioned_index_into_the_partitions():
    migration = importlib.import_module("masthead.content.migrations.0011_search_partitions")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE old_entries AS SELECT * FROM {postgres.TABLE}")
        cursor.execute(f"SELECT count(*) FROM {postgres.TABLE}")
        entries = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {postgres.TABLE}")
        cursor.execute(f"ALTER TABLE old_entries RENAME TO {postgres.TABLE}")  # as content.0004 once made it
        cursor.execute(f"ALTER TABLE {postgres.TABLE} ADD PRIMARY KEY (article_id)")
        cursor.execute(f"CREATE INDEX {postgres.TABLE}_gin ON {postgres.TABLE} USING gin (document)")

    migration.partition(None, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [postgres.TABLE])
        assert cursor.fetchone()[0] == "p"
        cursor.execute(f"SELECT count(*) FROM {postgres.TABLE}")
        # The corpus's 30 and any a flushed transactional test left (the flush knows models only).
        assert cursor.fetchone()[0] == entries >= 30
    assert page("jute", None, None)[1] == 4


def test_words_without_filters_are_estimated_from_the_statistics_and_filters_by_the_planner():
    def statements(text, **filters):
        with CaptureQueriesContext(connection) as captured:
            search.find(Query(text, Filters(**filters)))
        return " ".join(q["sql"] for q in captured.captured_queries)

    assert "EXPLAIN" not in statements("jute cotton")
    assert "EXPLAIN" in statements("jute cotton", until=clock.now().date())
    assert "EXPLAIN" in statements('"some jute"')  # a phrase: the planner's own estimate
