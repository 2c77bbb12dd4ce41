"""No leaks for wire copy: a canary in the gated part of a premium wire story, ingested
through the wire and updated by a newer version, is absent from everything a reader
without a subscription can fetch; a withdrawn story's page shows nothing of it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from masthead.content.models import Article
from tests.access.test_leaks import CANARY, assert_no_canary
from tests.wire.conftest import ingest_bytes

pytestmark = pytest.mark.django_db


def story(version: int, status: str = "usable") -> bytes:
    return json.dumps({
        "uri": "urn:test:canary-wire", "version": str(version), "pubstatus": status,
        "versioncreated": f"2026-06-15T0{version}:00:00Z", "headline": f"Agency copy, take {version}",
        "byline": "By Cora Canary", "description_text": "What every reader may see.",
        "body_xhtml": f"<p>The opening paragraph anyone may read.</p><p>{CANARY} behind the paywall (take {version}).</p>"
                      "<blockquote>More gated words: marmoset testimony.</blockquote>",
    }).encode()


@pytest.fixture
def premium_wire(wire):
    wire.default_access = Article.Access.PREMIUM
    wire.save()
    ingest_bytes(wire, story(1))
    ingest_bytes(wire, story(2))
    return Article.objects.get()


@pytest.mark.parametrize("url", ["page", "api", "/api/articles/", "/", "/rss/", "/atom/", "/section/news/",
                                 "/section/news/rss/", "/sitemap-news.xml"])
def test_a_premium_wire_story_leaks_nowhere(premium_wire, url):
    if url == "page":
        url = premium_wire.get_absolute_url()
    elif url == "api":
        url = f"/api/articles/{premium_wire.pk}/"
    response = Client().get(url, follow=True)

    assert response.status_code == 200
    assert_no_canary(response, url)


def test_the_page_of_a_premium_wire_story_is_the_paywall_with_the_disclaimer(premium_wire):
    html = Client().get(premium_wire.get_absolute_url(), follow=True).content.decode()

    assert "The opening paragraph anyone may read." in html and "Agency copy, take 2" in html
    assert "Disclaimer: No The Test Gazette journalist" in html
    assert CANARY not in html


def test_a_withdrawn_wire_story_shows_nothing_of_itself(premium_wire, wire):
    ingest_bytes(wire, story(3, status="canceled"))

    response = Client().get(premium_wire.get_absolute_url())

    assert response.status_code == 410
    assert_no_canary(response, "withdrawn page")
    assert "Agency copy" not in response.content.decode()
