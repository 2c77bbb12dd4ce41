"""Section, tag, author and archive day pages by position (keyset): every story once, in
order, across stories that share a timestamp; no OFFSET in any query; old ?page= links
go to the first page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.content import listings
from masthead.content.keyset import Position
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, PublicationFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def _at_a_known_instant(db):
    PublicationFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def headlines(html: str) -> list[str]:
    return re.findall(r'class="card__headline"><a href="[^"]+">(.+?)</a>', html)


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<link rel="{rel}" href="([^"]+)">', html)
    return found.group(1) if found else None


def walk(client, url: str, rel: str, start: str = "") -> list[list[str]]:
    """The headlines of each page, following `rel` links from `url` + `start`."""
    pages, href = [], start
    while True:
        html = client.get(url + href if href.startswith("?") or not href else href).content.decode()
        pages.append(headlines(html))
        href = link(html, rel)
        if href is None:
            return pages
        assert len(pages) < 10, "the links go round in a circle"


def test_older_and_newer_links_give_every_story_once_across_equal_timestamps(client):
    news = SectionFactory(name="News", slug="news")
    # 45 stories, five to a timestamp: page ends fall inside groups of equal times.
    base = clock.now() - dt.timedelta(days=1)
    for n in range(45):
        ArticleFactory(headline=f"Story {n:02d}", section=news, published_at=base - dt.timedelta(minutes=n // 5))
    # Newest first; among equal times the later id (a higher number here) first.
    expected = sorted((f"Story {n:02d}" for n in range(45)), key=lambda h: (int(h[6:]) // 5, -int(h[6:])))

    forward = walk(client, "/section/news/", "next")

    assert [len(p) for p in forward] == [20, 20, 5]
    assert [h for page in forward for h in page] == expected
    last_page = link(client.get("/section/news/").content.decode(), "next")
    last_page = link(client.get("/section/news/" + last_page).content.decode(), "next")
    backward = walk(client, "/section/news/", "prev", last_page)
    assert backward == list(reversed(forward))


def test_a_newer_link_to_the_top_of_the_list_is_the_lists_own_address(client):
    news = SectionFactory(name="News", slug="news")
    stories = [ArticleFactory(headline=f"Story {n:02d}", section=news,
                              published_at=clock.now() - dt.timedelta(hours=n + 1)) for n in range(25)]
    # A position in the middle of the first page: its newer page would be the first page.
    html = client.get(f"/section/news/?before={Position(stories[5].published_at, stories[5].pk).token}").content.decode()

    assert headlines(html) == [f"Story {n:02d}" for n in range(6, 25)]
    assert link(html, "prev") == "/section/news/"
    assert link(html, "next") is None
    # ...and an ?after= past the top gives the first page itself.
    top = client.get(f"/section/news/?after={Position(stories[3].published_at, stories[3].pk).token}")
    assert headlines(top.content.decode()) == [f"Story {n:02d}" for n in range(20)]
    assert link(top.content.decode(), "prev") is None


def test_tag_author_and_archive_day_pages_follow_positions_too(client):
    gold = TagFactory(name="Gold", slug="gold")
    asha = AuthorFactory(name="Asha Rao", slug="asha-rao")
    day = dt.datetime(2005, 3, 15, 6, tzinfo=UTC)
    for n in range(55):
        ArticleFactory(headline=f"Gold {n:02d}", tags=[gold], authors=[asha], published_at=day - dt.timedelta(minutes=n))

    tag_pages = walk(client, "/tag/gold/", "next")
    author_pages = walk(client, "/author/asha-rao/", "next")
    day_pages = walk(client, "/archive/2005/3/15/", "next")

    every = [f"Gold {n:02d}" for n in range(55)]
    assert [len(p) for p in tag_pages] == [20, 20, 15] and sum(tag_pages, []) == every
    assert sum(author_pages, []) == every
    assert [len(p) for p in day_pages] == [50, 5] and sum(day_pages, []) == every
    assert "55 stories" in client.get("/archive/2005/3/15/").content.decode()


def test_old_page_numbers_go_to_the_first_page_and_forged_positions_are_not_found(client):
    SectionFactory(name="News", slug="news")
    TagFactory(name="Gold", slug="gold")
    AuthorFactory(name="Asha Rao", slug="asha-rao")
    ArticleFactory(headline="One", section=SectionFactory(slug="news"), published_at=dt.datetime(2005, 3, 15, 6, tzinfo=UTC))

    for url in ["/section/news/", "/tag/gold/", "/author/asha-rao/", "/archive/2005/3/15/"]:
        response = client.get(url + "?page=7")
        assert (response.status_code, response["Location"]) == (301, url)
        for forged in ["?page=-1", "?before=2005-03-15", "?after=x,1", "?before=2005-02-30T00:00:00.000000Z,1",
                       "?before=2005-03-15T00:00:00.000000Z,99999999999999"]:
            assert client.get(url + forged).status_code == 404, url + forged


def test_listing_pages_never_use_offset_at_any_depth():
    news = SectionFactory(name="News", slug="news")
    gold = TagFactory(name="Gold", slug="gold")
    asha = AuthorFactory(name="Asha Rao", slug="asha-rao")
    moment = dt.datetime(2005, 3, 15, 6, tzinfo=UTC)
    stories = [ArticleFactory(section=news, tags=[gold], authors=[asha], published_at=moment - dt.timedelta(minutes=n))
               for n in range(60)]
    deep = Position(stories[30].published_at, stories[30].pk)

    with CaptureQueriesContext(connection) as captured:
        for at in ({}, {"before": deep}, {"after": deep}):
            listings.section_page(news, **at)
            listings.tag_page(gold, **at)
            listings.author_page(asha, **at)
            listings.archive_day_page(dt.date(2005, 3, 15), **at)

    listing_sql = [q["sql"] for q in captured.captured_queries if "content_article" in q["sql"]]
    assert len(listing_sql) > 12
    assert [sql for sql in listing_sql if re.search(r"\bOFFSET\b", sql, re.I)] == []
    # Every page query is bounded: a LIMIT, or one page of ids.
    ranged = [sql for sql in listing_sql if "ORDER BY" in sql and '"content_article"."id" IN (' not in sql
              and "_prefetch_related_val" not in sql]
    assert ranged and all(re.search(r"\bLIMIT \d+", sql) for sql in ranged)


@pytest.mark.parametrize("walk_from", [10_000, 2], ids=["from the links", "walking the date index"])
def test_a_tag_or_authors_pages_are_the_same_read_either_way(client, monkeypatch, walk_from):
    # A tag or author with many stories is read by walking the date index (listings.WALK_FROM).
    monkeypatch.setattr(listings, "WALK_FROM", walk_from)
    gold, silver = TagFactory(name="Gold", slug="gold"), TagFactory(name="Silver", slug="silver")
    asha = AuthorFactory(name="Asha Rao", slug="asha-rao")
    day = dt.datetime(2005, 3, 15, 6, tzinfo=UTC)
    for n in range(45):
        ArticleFactory(headline=f"Story {n:02d}", tags=[gold] if n % 3 else [silver], authors=[asha] if n % 2 else [],
                       published_at=day - dt.timedelta(minutes=n))

    assert sum(walk(client, "/tag/gold/", "next"), []) == [f"Story {n:02d}" for n in range(45) if n % 3]
    assert sum(walk(client, "/author/asha-rao/", "next"), []) == [f"Story {n:02d}" for n in range(45) if n % 2]
    with CaptureQueriesContext(connection) as captured:
        listings.tag_page(silver)
    walked = any("EXISTS(" in q["sql"] for q in captured.captured_queries)
    assert walked == (walk_from == 2)
