"""The archive at scale: sitemap files of at most 50,000 URLs with their own lastmod, the
archive's counts by indexed ranges, and listings whose queries stay on the indexes."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.content import listings, sitemaps
from masthead.content.keyset import Position
from masthead.content.models import Article
from masthead.core import clock
from masthead.core.db import refresh_planner_statistics
from tests.content.factories import ArticleFactory, PublicationFactory, SectionFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def _at_a_known_instant(db):
    PublicationFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def test_the_sitemap_index_splits_article_files_at_the_limit_with_each_files_lastmod(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    old = [ArticleFactory(headline=f"Old {n}", published_at=dt.datetime(2001, 3, n + 1, 6, tzinfo=UTC))
           for n in range(3)]
    Article.objects.filter(pk=old[0].pk).update(updated_at=dt.datetime(2019, 1, 1, 6, tzinfo=UTC))
    new = [ArticleFactory(headline=f"New {n}", published_at=dt.datetime(2026, 6, n + 1, 6, tzinfo=UTC))
           for n in range(2)]
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT)

    index = ET.fromstring(client.get("/sitemap.xml").content)
    files = [(s.findtext(f"{SM}loc"), s.findtext(f"{SM}lastmod")) for s in index.findall(f"{SM}sitemap")]

    assert [loc for loc, _ in files] == [
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
        "http://testserver/sitemap-archive.xml",
    ]
    # File 1 holds the two oldest 2001 stories, one updated in 2019; file 2 the third; 3 is 2026's.
    assert [lastmod[:10] for _, lastmod in files[1:4]] == ["2019-01-01", "2001-03-03", "2026-06-02"]
    seen = []
    for number in (1, 2, 3):
        urls = ET.fromstring(client.get(f"/sitemap-articles.xml?p={number}").content).findall(f"{SM}url")
        assert 1 <= len(urls) <= 2
        seen += [u.findtext(f"{SM}loc") for u in urls]
    assert seen == [f"http://testserver{a.get_absolute_url()}" for a in [*old, *new]]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_the_real_limit_is_the_protocols():
    assert sitemaps.URLS_PER_FILE == 50_000


def test_an_empty_archive_still_has_its_first_article_file(client):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-articles.xml" in index
    assert client.get("/sitemap-articles.xml").status_code == 200


def test_archive_counts_follow_the_local_calendar():
    # 00:15 on 1 January 2001 in Kolkata is still 2000 in UTC.
    ArticleFactory(published_at=dt.datetime(2000, 12, 31, 18, 45, tzinfo=UTC))
    ArticleFactory(published_at=dt.datetime(2000, 12, 31, 18, 0, tzinfo=UTC))
    ArticleFactory(published_at=dt.datetime(2001, 2, 28, 10, 0, tzinfo=UTC))

    assert [(p.start, p.count) for p in listings.archive_years()][-2:] == [
        (dt.date(2001, 1, 1), 2), (dt.date(2000, 1, 1), 1)]
    assert [(p.start, p.count) for p in listings.archive_months(2001)] == [
        (dt.date(2001, 2, 1), 1), (dt.date(2001, 1, 1), 1)]
    assert [(p.start, p.count) for p in listings.archive_days(2001, 1)] == [(dt.date(2001, 1, 1), 1)]


def _as_if_a_million_stories() -> None:
    """Scale the planner's statistics of the story tables to a million rows, so the plans
    are the ones a full archive gets (with thirty rows, a scan is rightly the cheapest)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl LIKE 'content_article%'")
        for table, index, stat in cursor.fetchall():
            parts = stat.split()
            rows = int(parts[0])
            scale = 1_000_000 / max(rows, 1)
            scaled = [str(int(int(p) * scale) if int(p) > 1 else 1) if p.isdigit() else p for p in parts[1:]]
            cursor.execute("UPDATE sqlite_stat1 SET stat = %s WHERE tbl = %s AND idx IS %s",
                           [" ".join(["1000000", *scaled]), table, index])
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again


def _plans(queries):
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "content_article" not in sql:
                continue
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append((sql, " | ".join(str(row[-1]) for row in cursor.fetchall())))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_listings_and_archive_counts_never_scan_the_article_table():
    section = SectionFactory(name="News", slug="news")
    for n in range(30):
        ArticleFactory(section=section, published_at=dt.datetime(2005, 3, 1 + n % 28, 6, tzinfo=UTC))
    day = dt.date(2005, 3, 15)
    refresh_planner_statistics()  # as after an import, and nightly (masthead.schedule)
    _as_if_a_million_stories()

    with CaptureQueriesContext(connection) as captured:
        first = listings.section_page(section)
        listings.section_page(section, before=Position.parse(first.older.split("=", 1)[1]))
        listings.archive_day_page(day)
        listings.front_page()
        listings.archive_years()
        listings.archive_months(2005)
        listings.archive_days(2005, 3)
        listings.latest_cards(limit=30)
        sitemaps.article_files()

    plans = _plans(captured.captured_queries)
    assert plans
    for sql, plan in plans:
        assert not re.search(r"SCAN content_article\b", plan), f"{plan}\n{sql}"
        bounded = re.search(r"\"content_article\".\"id\" IN \(", sql)  # one page of ids: a small sort
        if "ORDER BY" in sql and not bounded and re.search(r"\bcontent_article\b", plan.split("|")[0]):
            # A listing in date order reads an index in that order: never a sort of every row.
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, f"{plan}\n{sql}"


def _many_stories(count: int, section) -> None:
    """`count` plain live stories (none flagged) since 2000, straight to the table."""
    start = dt.datetime(2000, 1, 1, 6, tzinfo=UTC)
    Article.objects.bulk_create(
        [Article(headline=f"Story {n}", slug=f"story-{n}", section=section, status=Article.Status.PUBLISHED,
                 published_at=start + dt.timedelta(hours=n)) for n in range(count)],
        batch_size=2000,
    )


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_front_page_reads_its_flagged_stories_from_their_own_indexes():
    # Ten thousand unflagged stories and a few flagged ones: a walk of the date index
    # for "top story" would read the whole archive, a sort would sort it.
    section = SectionFactory(name="News", slug="news")
    _many_stories(10_000, section)
    for n in range(3):
        ArticleFactory(headline=f"Top {n}", section=section, is_top_story=True,
                       published_at=dt.datetime(2003, 1, 1 + n, tzinfo=UTC))
        ArticleFactory(headline=f"Pick {n}", section=section, is_editors_pick=True,
                       published_at=dt.datetime(2004, 1, 1 + n, tzinfo=UTC))
    refresh_planner_statistics()

    with CaptureQueriesContext(connection) as captured:
        front = listings.front_page()
    assert [c.headline for c in front.top_stories] == ["Top 2", "Top 1", "Top 0"]
    assert [c.headline for c in front.editors_picks] == ["Pick 2", "Pick 1", "Pick 0"]

    assert len(captured.captured_queries) < 40  # a bounded number of queries, whatever the size
    # The planner is asked about the front page's queries with their parameters.
    plans = {}
    for name, queryset in {
        "top": listings.live().filter(is_top_story=True)[:listings.TOP_STORIES],
        "picks": listings.live().filter(is_editors_pick=True).exclude(pk__in=[1])[:listings.EDITORS_PICKS],
        "latest": listings.live().exclude(pk__in=[1, 2])[:listings.LATEST],
        "section": listings.live().filter(section=section).exclude(pk__in=[1, 2])[:listings.PER_SECTION],
    }.items():
        sql, params = queryset.values_list("pk").query.sql_with_params()
        plans[name] = _plan(sql, params)

    for name, plan in plans.items():
        assert not re.search(r"SCAN content_article\b|Seq Scan on content_article\b", plan), f"{name}: {plan}"
        # Read in date order from an index: never a sort of every live story.
        # (An incremental sort of the stories sharing one timestamp is fine.)
        assert not re.search(r"USE TEMP B-TREE FOR ORDER BY|(^|->)\s*Sort\s+\(", plan, re.M), f"{name}: {plan}"
    assert "article_top_stories" in plans["top"]
    assert "article_editors_picks" in plans["picks"]
