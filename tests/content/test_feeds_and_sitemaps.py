"""Feeds and sitemaps: headlines, links, dates and summaries; never a body."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SECRET = "Confidential paragraph that only subscribers may read"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
UTC = dt.timezone.utc


@pytest.fixture
def stories(publication):
    """One story of each access level in Markets, plus one in Sport, a draft and a withdrawn one."""
    markets = SectionFactory(name="Markets", slug="markets")
    sport = SectionFactory(name="Sport", slug="sport")
    author = AuthorFactory(name="Pranav Pillai")
    now = clock.now()
    made = {}
    for hours, access in enumerate(Article.Access.values, start=1):
        made[access] = ArticleFactory(
            headline=f"Markets {access} story", section=markets, access=access, authors=[author],
            standfirst=f"Summary of the {access} story.", body=f"<p>{SECRET} {access}</p>",
            published_at=now - dt.timedelta(hours=hours),
        )
    made["sport"] = ArticleFactory(headline="Sport story", section=sport, published_at=now - dt.timedelta(hours=5),
                                   body=f"<p>{SECRET} sport</p>")
    ArticleFactory(headline="A draft", section=markets, status=Article.Status.DRAFT, body=f"<p>{SECRET}</p>")
    ArticleFactory(headline="Pulled story", section=markets, status=Article.Status.WITHDRAWN, body=f"<p>{SECRET}</p>")
    return made


def test_site_rss_lists_live_stories_with_standfirst_only(client, stories):
    response = client.get("/rss/")

    assert response["Content-Type"].startswith("application/rss+xml")
    text = response.content.decode()
    assert SECRET not in text
    channel = ET.fromstring(text).find("channel")
    items = channel.findall("item")
    assert channel.findtext("title") == "The Test Gazette"
    assert [i.findtext("title") for i in items] == [
        "Markets free story", "Markets metered story", "Markets premium story", "Sport story",
    ]
    first = items[0]
    assert first.findtext("description") == "Summary of the free story."
    assert first.findtext("link") == "http://testserver" + stories["free"].get_absolute_url()
    assert first.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Pranav Pillai"
    assert first.findtext("category") == "Markets"
    assert first.findtext("pubDate") is not None


def test_section_atom_feed_lists_only_that_section(client, stories):
    response = client.get("/section/markets/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert SECRET not in text
    feed = ET.fromstring(text)
    entries = feed.findall(f"{ATOM}entry")
    assert feed.findtext(f"{ATOM}title") == "Markets · The Test Gazette"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Markets free story", "Markets metered story", "Markets premium story",
    ]
    assert entries[2].findtext(f"{ATOM}summary") == "Summary of the premium story."
    assert entries[2].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Pranav Pillai"


def test_section_rss_and_unknown_section(client, stories):
    items = ET.fromstring(client.get("/section/sport/rss/").content).find("channel").findall("item")

    assert [i.findtext("title") for i in items] == ["Sport story"]
    assert client.get("/section/nowhere/rss/").status_code == 404


def test_no_feed_or_sitemap_ever_carries_a_body(client, stories):
    for url in ["/rss/", "/atom/", "/section/markets/rss/", "/section/markets/atom/", "/sitemap.xml",
                "/sitemap-articles.xml", "/sitemap-sections.xml", "/sitemap-archive.xml", "/sitemap-news.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


def test_sitemap_index_points_to_each_sitemap(client, stories):
    root = ET.fromstring(client.get("/sitemap.xml").content)

    assert [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")] == [
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-archive.xml",
    ]


def test_article_sitemap_lists_live_articles_with_lastmod(client, publication):
    updated = dt.datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
    article = ArticleFactory(headline="Updated story", published_at=dt.datetime(2026, 5, 1, 6, 0, tzinfo=UTC),
                             updated_at=updated)
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT)

    urls = ET.fromstring(client.get("/sitemap-articles.xml").content).findall(f"{SM}url")

    assert [u.findtext(f"{SM}loc") for u in urls] == ["http://testserver/2026/05/01/updated-story/"]
    assert urls[0].findtext(f"{SM}lastmod") == "2026-05-02"
    assert article.get_absolute_url() == "/2026/05/01/updated-story/"


def test_section_and_archive_sitemaps(client, publication):
    SectionFactory(name="World", slug="world")
    ArticleFactory(published_at=dt.datetime(2001, 7, 1, 6, 0, tzinfo=UTC))

    sections = ET.fromstring(client.get("/sitemap-sections.xml").content)
    archive = ET.fromstring(client.get("/sitemap-archive.xml").content)

    assert "http://testserver/section/world/" in [u.findtext(f"{SM}loc") for u in sections.findall(f"{SM}url")]
    assert [u.findtext(f"{SM}loc") for u in archive.findall(f"{SM}url")] == [
        "http://testserver/archive/", "http://testserver/archive/2001/", "http://testserver/archive/2001/7/",
    ]


def test_news_sitemap_holds_the_last_two_days_only(client, publication):
    now = dt.datetime(2026, 6, 15, 4, 30, tzinfo=UTC)
    with clock.travel(now, frozen=True):
        ArticleFactory(headline="Fresh & new", published_at=now - dt.timedelta(hours=3))
        ArticleFactory(headline="Yesterday's", published_at=now - dt.timedelta(hours=40))
        ArticleFactory(headline="Too old", published_at=now - dt.timedelta(days=3))
        ArticleFactory(headline="Not yet", status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(hours=1))

        response = client.get("/sitemap-news.xml")

    assert response["Content-Type"] == "application/xml; charset=utf-8"
    urls = ET.fromstring(response.content).findall(f"{SM}url")
    assert [u.findtext(f"{NEWS}news/{NEWS}title") for u in urls] == ["Fresh & new", "Yesterday's"]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Test Gazette"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2026-06-15T07:00:00+05:30"
    assert urls[0].findtext(f"{SM}loc") == "http://testserver/2026/06/15/fresh-new/"
