"""The page cache checks the Host header first and keeps a page per scheme and host."""

from __future__ import annotations

import pytest

from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_disallowed_host_is_refused_even_when_the_page_is_cached(client, publication):
    ArticleFactory(headline="On the front page")
    assert client.get("/").status_code == 200

    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert b"On the front page" not in response.content


def test_a_cached_sitemap_names_the_host_and_scheme_it_was_asked_for(client, publication, settings):
    settings.ALLOWED_HOSTS = ["news.example", "mirror.example"]
    ArticleFactory()

    mirror = client.get("/sitemap.xml", HTTP_HOST="mirror.example").content.decode()
    news = client.get("/sitemap.xml", HTTP_HOST="news.example").content.decode()
    secure = client.get("/sitemap.xml", HTTP_HOST="news.example", secure=True).content.decode()
    again = client.get("/sitemap.xml", HTTP_HOST="news.example").content.decode()

    assert "http://mirror.example/sitemap-articles.xml" in mirror
    assert "http://news.example/sitemap-articles.xml" in news and "mirror.example" not in news
    assert "https://news.example/sitemap-articles.xml" in secure
    assert again == news
