"""PostgreSQL finds a query's newest matches three ways (search/postgres.py `_plan`): all of
them from the GIN bitmap, those in a window of publication time sized from the planner's
estimate, or by walking the date index for a word in most stories. Whatever the estimate
says, the page is the same: ranked among the newest CANDIDATES matches. The estimate is
set here by hand, so each way is taken on a small corpus, including a window that proves
too short and is widened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.content import search
from masthead.content.models import Article
from masthead.content.search import Filters, Query, postgres
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
        monkeypatch.setattr(postgres, "_estimate", lambda cursor, source, params: estimate)
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


def test_the_real_estimate_is_the_planners(monkeypatch):
    # No hand-set estimate: a common word and a rare one both give the ranked newest matches.
    common, rare = page("cotton", None, monkeypatch)[:2], page("silk", None, monkeypatch)[:2]
    assert common == page("cotton", 0, monkeypatch)[:2]
    assert rare == page("silk", 0, monkeypatch)[:2]


def test_several_words_size_the_window_from_the_rarest_words_estimate(monkeypatch):
    # Words of one story are not independent: the joint estimate can be far too low, so the
    # window follows the rarest word's (an upper bound), here 10 against a joint 1.
    expected = page("jute cotton", 0, monkeypatch)[:2]
    assert expected[0][:2] == ["Mills 0", "Mills 1"]
    monkeypatch.setattr(postgres, "_estimate",
                        lambda cursor, source, params: 1 if "websearch_to_tsquery" in source else 10)
    assert page("jute cotton", None, monkeypatch) == (*expected, "window")
