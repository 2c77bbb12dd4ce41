"""/api/v1/epaper/editions, as each of the four callers: the list, one edition, and the signed
page-image addresses, which only a reader holding the ePaper receives, and which open for
that reader only. In the canary suite's style: for anyone else no page image address and no
page text (the canary is printed on page 2)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client

from masthead.epaper.models import Edition
from tests.api.conftest import Caller
from tests.epaper.conftest import CANARY, CANARY_WORDS, FRONT_HEADLINE, _epaper_files, publish_edition  # noqa: F401

pytestmark = pytest.mark.django_db

IMAGE_PATH = "/epaper/image/"


@pytest.fixture
def edition(publish_edition):  # noqa: F811
    published = publish_edition()
    assert published.state == Edition.State.PUBLISHED
    return published


def _path(url: str) -> str:
    return urlsplit(url).path


def test_the_list_is_the_same_for_every_caller(caller, edition):
    response = caller.get("/api/v1/epaper/editions")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json() == {"results": [{
        "id": edition.pk, "date": edition.date.isoformat(), "name": "Main", "slug": "main", "pages": 3,
        "url": f"http://127.0.0.1:8000/epaper/{edition.date.isoformat()}/main/"}], "next_cursor": None}


def test_the_list_pages_by_cursor_and_shows_only_published_editions(caller, publication):
    first = dt.date(2026, 1, 1)
    for n in range(23):
        Edition.objects.create(date=first + dt.timedelta(days=n), name="Main", slug="main",
                               state=Edition.State.PUBLISHED, page_count=12)
    Edition.objects.create(date=first + dt.timedelta(days=30), name="Main", slug="main",
                           state=Edition.State.READY, page_count=12)

    page = caller.get("/api/v1/epaper/editions").json()
    following = caller.get(f"/api/v1/epaper/editions?cursor={page['next_cursor']}").json()

    assert [e["date"] for e in page["results"]] == [(first + dt.timedelta(days=n)).isoformat()
                                                    for n in range(22, 2, -1)]
    assert [e["date"] for e in following["results"]] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    assert following["next_cursor"] is None
    forged = caller.get("/api/v1/epaper/editions?cursor=bm90LWEtY3Vyc29y")
    assert forged.status_code == 422
    assert forged.json()["type"] == "/api/v1/problems/invalid-cursor"


def test_one_edition_gives_page_images_only_to_a_reader_with_the_epaper(caller, edition):
    response = caller.get(f"/api/v1/epaper/editions/{edition.pk}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Vary"] == "Authorization, Cookie, Origin"
    data = response.json()
    assert (data["id"], data["pages"], data["images_expire_in"]) == (edition.pk, 3, 300)
    text = response.content.decode()
    for needle in [CANARY, *CANARY_WORDS, FRONT_HEADLINE]:
        assert needle.lower() not in text.lower(), (caller, needle)  # never page text, on any answer
    if caller.name == "subscribed":
        assert data["granted"] is True
        assert data["paywall"] is None
        assert [p["number"] for p in data["page_images"]] == [1, 2, 3]
        for page in data["page_images"]:
            for size in ("thumbnail_url", "screen_url", "zoom_url"):
                assert page[size].startswith("http://127.0.0.1:8000" + IMAGE_PATH), page
        return
    assert data["granted"] is False
    assert data["page_images"] is None
    assert IMAGE_PATH not in text
    assert data["paywall"]["needs"] == "epaper"
    assert data["paywall"]["title"] == "The ePaper is for subscribers"
    assert data["paywall"]["offers"] and all("epaper" in o["grants"] for o in data["paywall"]["offers"])


def test_an_unpublished_or_unknown_edition_is_not_found(caller, edition):
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.READY)

    for edition_id in (edition.pk, edition.pk + 1, 2**63):
        response = caller.get(f"/api/v1/epaper/editions/{edition_id}")
        assert response.status_code == 404, edition_id
        assert response["Content-Type"] == "application/problem+json"


def test_a_signed_address_from_the_api_opens_for_that_reader_only(make_caller, edition):
    subscriber = make_caller("subscribed")
    other = make_caller("metered")
    pages = subscriber.get(f"/api/v1/epaper/editions/{edition.pk}").json()["page_images"]
    screen = _path(pages[1]["screen_url"])

    opened = subscriber.get(screen)

    assert opened.status_code == 200
    assert opened["Content-Type"] == "image/webp"
    assert b"".join(opened.streaming_content)[:4] == b"RIFF"
    assert other.get(screen).status_code == 403
    assert Caller("anonymous").get(screen).status_code == 403
    assert Client().get(screen, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 403
    subscriber.delete("/api/v1/tokens/current")
    assert subscriber.get(screen).status_code == 403
