"""The conventions every /api/v1/ answer keeps: ETags, cursors, problems, limits, CORS, docs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masthead.core import clock
from tests.api.conftest import Caller, sign_in
from tests.accounts.factories import ReaderFactory
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_month():
    with clock.travel(ORDINARY_DAY):
        yield


def test_a_list_answers_304_to_its_own_etag_and_200_once_it_changes(publication):
    ArticleFactory()
    client = Client()
    first = client.get("/api/v1/articles")

    same = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=first["ETag"])
    weak = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=f'"other", W/{first["ETag"]}')
    ArticleFactory(headline="A new story")
    changed = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=first["ETag"])

    assert (same.status_code, same.content, same["ETag"]) == (304, b"", first["ETag"])
    assert weak.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.json()["results"][0]["headline"] == "A new story"


def test_an_article_has_an_etag_too_and_stays_private(publication):
    story = ArticleFactory()
    client = Client()
    client.get(f"/api/v1/articles/{story.pk}")  # sets the meter cookie
    client.get(f"/api/v1/articles/{story.pk}")  # counted now ("metered")
    first = client.get(f"/api/v1/articles/{story.pk}")  # counted before: the same answer from now on

    again = client.get(f"/api/v1/articles/{story.pk}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-store"
    assert "Cookie" in again["Vary"]


def test_cursors_walk_a_list_without_repeats_even_when_a_story_arrives(publication):
    section = SectionFactory(slug="news", name="News")
    start = clock.now() - dt.timedelta(days=1)
    stories = [ArticleFactory(section=section, published_at=start + dt.timedelta(minutes=n)) for n in range(45)]
    client = Client()

    first = client.get("/api/v1/sections/news/articles").json()
    ArticleFactory(section=section, published_at=clock.now())  # published while the app scrolls
    second = client.get(f"/api/v1/sections/news/articles?cursor={first['next_cursor']}").json()
    third = client.get(f"/api/v1/sections/news/articles?cursor={second['next_cursor']}").json()

    seen = [a["id"] for page in (first, second, third) for a in page["results"]]
    assert seen == [s.pk for s in reversed(stories)]
    assert (len(first["results"]), len(second["results"]), len(third["results"])) == (20, 20, 5)
    assert third["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["not-base64!", "WzFd", "WyJ4IiwgMV0", "eyJhIjogMX0", "WyIyMDI2LTA2LTE1VDA2OjMwOjAwIiwgMV0"])
def test_a_cursor_the_api_did_not_give_is_a_problem_not_an_error(publication, cursor):
    response = Client().get(f"/api/v1/articles?cursor={cursor}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/api/v1/problems/invalid-cursor"
    assert body["status"] == 422 and body["title"] and body["detail"]


def test_unknown_things_are_problems(publication):
    for path in ("/api/v1/articles/999999", "/api/v1/sections/nowhere/articles", "/api/v1/tags/none",
                 "/api/v1/archive/2026/13", "/api/v1/no-such-operation", "/api/v1/archive/2026/2/30"):
        response = Client().get(path)

        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json()["type"] == "/api/v1/problems/not-found", path


def test_bad_input_is_a_problem_with_the_fields_named(publication):
    response = Client().get("/api/v1/search")

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "q"]


def test_past_the_address_limit_the_api_answers_429_with_retry_after(publication, settings):
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "api": "3/m/ip"}
    client = Client()
    clock.freeze(ORDINARY_DAY + dt.timedelta(seconds=15))  # 15 s into a minute (the conftest unfreezes)
    statuses = [client.get("/api/v1/publication").status_code for _ in range(4)]
    refused = client.get("/api/v1/publication")
    other_address = client.get("/api/v1/publication", REMOTE_ADDR="10.1.2.3")
    old_api = client.get("/api/articles/")
    clock.freeze(ORDINARY_DAY + dt.timedelta(seconds=60))
    next_minute = client.get("/api/v1/publication")

    assert statuses == [200, 200, 200, 429]
    assert refused["Retry-After"] == "45"  # what is left of the minute
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "/api/v1/problems/rate-limited"
    assert other_address.status_code == 200
    assert old_api.status_code == 200  # the first API keeps its own behaviour
    assert next_minute.status_code == 200


def test_each_token_has_its_own_limit(publication, settings):
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "api": "1000/m/ip,2/m/key"}
    one = Caller("one", sign_in(ReaderFactory(email="one@example.com").email))
    two = Caller("two", sign_in(ReaderFactory(email="two@example.com").email))

    assert [one.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    assert two.get("/api/v1/me").status_code == 200


def test_cors_only_for_configured_origins(publication, settings):
    settings.MASTHEAD_API_CORS_ORIGINS = ["https://app.example.com"]
    client = Client()

    allowed = client.get("/api/v1/publication", HTTP_ORIGIN="https://app.example.com")
    other = client.get("/api/v1/publication", HTTP_ORIGIN="https://evil.example.net")
    preflight = client.options("/api/v1/me", HTTP_ORIGIN="https://app.example.com",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    refused_preflight = client.options("/api/v1/me", HTTP_ORIGIN="https://evil.example.net",
                                       HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed
    assert "Access-Control-Allow-Origin" not in other
    assert "Origin" in other["Vary"]
    assert preflight.status_code == 204
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert refused_preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused_preflight


def test_the_schema_is_public_and_the_docs_are_for_staff(publication, editor):
    client = Client()

    schema = client.get("/api/v1/openapi.json")
    docs_anonymous = client.get("/api/v1/docs")
    client.force_login(editor)
    docs_staff = client.get("/api/v1/docs")

    assert schema.status_code == 200 and schema.json()["openapi"] == "3.1.0"
    assert docs_anonymous.status_code == 302 and "/admin/login/" in docs_anonymous["Location"]
    assert docs_staff.status_code == 200
    page = docs_staff.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page  # served by Masthead, no CDN
    assert "cdn." not in page and "unpkg" not in page


def test_every_problem_answer_is_declared_as_problem_json():
    from masthead.api.v1 import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400 and "/auth/" not in path:
                    assert list(answer["content"]) == ["application/problem+json"], (method, path, code)


def test_the_first_api_keeps_working(publication):
    story = ArticleFactory()

    listing = Client().get("/api/articles/")
    detail = Client().get(f"/api/articles/{story.pk}/")

    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == story.pk
    assert detail.status_code == 200 and detail.json()["id"] == story.pk
