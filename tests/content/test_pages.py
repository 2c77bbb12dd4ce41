"""Every listing page type shows a reader what it should: and never a body."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

SECRET = "Confidential paragraph that only subscribers may read"


def headlines(response, css_class="card__headline") -> list[str]:
    """The headlines of the cards on a page, in order."""
    html = response.content.decode()
    # Search marks the reader's words inside headlines (<mark>): the text is what counts.
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(rf'class="{css_class}"><a href="[^"]+">(.+?)</a>', html)]


def test_home_shows_top_stories_picks_latest_and_sections(client, publication):
    now = clock.now()
    business = SectionFactory(name="Business", slug="business", order=1)
    sport = SectionFactory(name="Sport", slug="sport", order=2)
    ArticleFactory(headline="Lead story", section=business, is_top_story=True, published_at=now - dt.timedelta(minutes=5))
    ArticleFactory(headline="Second top", section=sport, is_top_story=True, published_at=now - dt.timedelta(minutes=10))
    ArticleFactory(headline="Pick of the day", section=business, is_editors_pick=True, published_at=now - dt.timedelta(hours=1))
    ArticleFactory(headline="Plain business", section=business, published_at=now - dt.timedelta(hours=2))
    ArticleFactory(headline="Plain sport", section=sport, published_at=now - dt.timedelta(hours=3))
    ArticleFactory(headline="Draft story", section=sport, status=Article.Status.DRAFT)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert headlines(response) == ["Lead story", "Second top", "Pick of the day", "Plain business", "Plain sport"]
    assert 'class="card card--lead"' in html
    assert "Draft story" not in html
    assert '<h2 id="editors-picks" class="rule-heading">Editors\' picks</h2>' in html
    assert '<a href="/section/business/">Business</a></h2>' in html
    # The latest column lists what is not already in the top slots.
    latest = re.findall(r'</time> <a href="[^"]+">([^<]+)</a>', html)
    assert latest == ["Plain business", "Plain sport"]


def test_listing_cards_show_section_byline_local_date_and_premium_badge(client, publication):
    analysis = SectionFactory(name="Markets Analysis", slug="markets-analysis", is_premium=True)
    author = AuthorFactory(name="Meher Menon")
    ArticleFactory(
        headline="Where rates go next", section=analysis, authors=[author], body=f"<p>{SECRET}</p>",
        published_at=dt.datetime(2026, 6, 15, 4, 30, tzinfo=dt.timezone.utc),
    )

    html = client.get("/section/markets-analysis/").content.decode()

    assert '<span class="badge badge--premium">Premium</span>' in html
    assert '<span class="card__byline">By Meher Menon</span>' in html
    assert '<time datetime="2026-06-15T10:00:00+05:30">15 Jun 2026, 10:00</time>' in html
    assert "The standfirst of where rates go next." in html
    assert SECRET not in html


def test_section_pages_paginate_twenty_a_page_with_rel_links(client, publication):
    markets = SectionFactory(name="Markets", slug="markets")
    now = clock.now()
    stories = [ArticleFactory(headline=f"Markets story {i:02d}", section=markets,
                              published_at=now - dt.timedelta(hours=i + 1)) for i in range(25)]

    first = client.get("/section/markets/")
    older = re.search(r'<link rel="next" href="([^"]+)">', first.content.decode()).group(1)
    second = client.get("/section/markets/" + older.replace("&amp;", "&"))

    assert headlines(first) == [f"Markets story {i:02d}" for i in range(20)]
    assert headlines(second) == [f"Markets story {i:02d}" for i in range(20, 25)]
    first_html, second_html = first.content.decode(), second.content.decode()
    last_on_first = stories[19]
    assert older == f"?before={last_on_first.published_at.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%S.%f}Z,{last_on_first.pk}"
    assert 'rel="prev"' not in first_html
    assert '<link rel="prev" href="/section/markets/">' in second_html and 'rel="next"' not in second_html
    # Old numbered links go to the first page; forged positions are not found.
    assert client.get("/section/markets/?page=2")["Location"] == "/section/markets/"
    assert client.get("/section/markets/?page=zero").status_code == 404
    assert client.get("/section/markets/?before=yesterday").status_code == 404
    assert client.get("/section/markets/?before=1990-01-01T00:00:00.000000Z,1").status_code == 404
    assert client.get("/section/no-such-section/").status_code == 404


def test_author_page_shows_bio_and_their_stories_only(client, publication):
    asha = AuthorFactory(name="Asha Rao", bio="Asha covers banks.", role="Banking Correspondent")
    other = AuthorFactory(name="Someone Else")
    ArticleFactory(headline="Banks lend more", authors=[asha])
    ArticleFactory(headline="Not hers", authors=[other])

    response = client.get("/author/asha-rao/")

    html = response.content.decode()
    assert "<h1>Asha Rao</h1>" in html
    assert "Banking Correspondent" in html and "<p>Asha covers banks.</p>" in html
    assert headlines(response) == ["Banks lend more"]


def test_tag_page_lists_tagged_stories(client, publication):
    gold = TagFactory(name="Gold", slug="gold")
    ArticleFactory(headline="Gold glitters", tags=[gold])
    ArticleFactory(headline="Silver sulks")

    response = client.get("/tag/gold/")

    assert headlines(response) == ["Gold glitters"]
    assert client.get("/tag/unknown/").status_code == 404


def test_archive_counts_years_months_and_days_back_to_the_oldest(client, publication):
    utc = dt.timezone.utc
    ArticleFactory(headline="Oldest", published_at=dt.datetime(1997, 3, 4, 6, 0, tzinfo=utc))
    ArticleFactory(headline="Spring one", published_at=dt.datetime(2024, 3, 9, 6, 0, tzinfo=utc))
    ArticleFactory(headline="Spring two", published_at=dt.datetime(2024, 3, 9, 9, 0, tzinfo=utc))
    # 19:00 UTC on 31 March is 00:30 on 1 April in Kolkata: it belongs to April.
    ArticleFactory(headline="Late night", published_at=dt.datetime(2024, 3, 31, 19, 0, tzinfo=utc))
    ArticleFactory(headline="Not live", status=Article.Status.DRAFT, published_at=dt.datetime(2024, 3, 9, 6, 0, tzinfo=utc))

    index = client.get("/archive/").content.decode()
    year = client.get("/archive/2024/").content.decode()
    month = client.get("/archive/2024/3/").content.decode()
    day = client.get("/archive/2024/3/9/")

    assert re.findall(r'<a href="/archive/(\d+)/">\d+</a> <span class="archive-periods__count">([^<]+)</span>', index) == [
        ("2024", "3 stories"), ("1997", "1 story"),
    ]
    assert "back to 1997" in index
    assert re.findall(r'<a href="/archive/2024/(\d+)/">([^<]+)</a> <span class="archive-periods__count">([^<]+)</span>', year) == [
        ("4", "April 2024", "1 story"), ("3", "March 2024", "2 stories"),
    ]
    assert re.findall(r'<a href="/archive/2024/3/(\d+)/">', month) == ["9"]
    assert headlines(day) == ["Spring two", "Spring one"]
    assert client.get("/archive/2023/").status_code == 404
    assert client.get("/archive/2024/2/30/").status_code == 404


def test_search_finds_the_body_but_shows_a_reader_none_of_a_story_they_may_not_read(client, publication):
    now = clock.now()
    ArticleFactory(headline="Tea prices climb", standfirst="Assam auctions are busy.", body=f"<p>{SECRET} zebra</p>",
                   published_at=now - dt.timedelta(hours=1))
    ArticleFactory(headline="Coffee steady", standfirst="Tea drinkers unmoved.", published_at=now - dt.timedelta(hours=2))
    ArticleFactory(headline="Hidden draft about tea", status=Article.Status.DRAFT)

    tea = client.get("/search/?q=tea")
    body_word = client.get("/search/?q=zebra")

    assert headlines(tea) == ["Tea prices climb", "Coffee steady"]
    assert "2 results for “tea”" in tea.content.decode()
    assert SECRET not in tea.content.decode()
    assert headlines(body_word) == ["Tea prices climb"]
    assert "1 result for “zebra”" in body_word.content.decode()
    assert SECRET not in body_word.content.decode()


def test_search_with_several_words_needs_all_of_them(client, publication):
    ArticleFactory(headline="Rupee gains", standfirst="Exporters sell dollars.")
    ArticleFactory(headline="Rupee slips", standfirst="Importers buy.")

    assert headlines(client.get("/search/?q=rupee+exporters")) == ["Rupee gains"]


def test_listings_never_contain_body_text(client, publication):
    section = SectionFactory(name="Economy", slug="economy")
    tag = TagFactory(name="Budget", slug="budget")
    author = AuthorFactory(name="Kavya Iyengar")
    stories = [
        ArticleFactory(
            headline=f"Story {access}", section=section, tags=[tag], authors=[author], access=access,
            is_top_story=True, body=f"<p>{SECRET} ({access})</p>",
        )
        for access in Article.Access.values
    ]
    # The archive day the stories are on: not "today", which an hour after the stories may
    # already be the next day in the publication's calendar.
    day = stories[0].local_date()

    for url in ["/", "/section/economy/", "/tag/budget/", "/author/kavya-iyengar/",
                f"/archive/{day.year}/{day.month}/{day.day}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    # Search may quote the body of a story the reader may read (the free one), no other's.
    found = client.get("/search/?q=confidential").content.decode()
    assert f"{SECRET} (free)" in re.sub(r"</?mark>", "", found)
    assert f"{SECRET} (metered)" not in found and f"{SECRET} (premium)" not in found
    assert "subscribers" not in found.split("(free)")[1]


def test_robots_txt_allows_all_and_points_to_the_sitemaps(client, publication):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["User-agent: *", "Allow: /", "Disallow: /admin/"]
    assert {"Disallow: /accounts/", "Disallow: /billing/", "Disallow: /preview/"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_friendly_404_page(client, publication):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1 id=\"error-title\">We couldn't find that page</h1>" in html
    assert 'action="/search/"' in html


def test_500_page_renders_without_the_database(rf, django_assert_num_queries):
    from masthead.content.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_wire_cards_are_bylined_with_the_agency_and_carry_no_disclaimer(client, publication):
    from tests.content.factories import WireArticleFactory

    WireArticleFactory(headline="Agency copy", source__name="Ledger Wire", source__slug="ledger-wire")

    html = client.get("/").content.decode()

    assert '<span class="card__byline">Ledger Wire</span>' in html
    assert "Disclaimer:" not in html


def test_listing_pages_answer_head_requests(client, publication):
    ArticleFactory()

    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405
