"""No leaks, over the whole of /api/v1/: a canary planted in the gated part of a premium story
and of a metered one the reader can no longer open is absent from every answer of every
operation the schema lists, for an anonymous reader past the limit, a registered reader's
token past the limit, and a revoked token. New operations are covered as they are added:
every operation of the schema is called (the test fails on one it cannot fill in)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from masthead.api.v1 import api
from masthead.content.models import Article
from masthead.core import clock
from tests.access.test_leaks import BODY, CANARY_WORDS, assert_no_canary
from tests.accounts.factories import ReaderFactory
from tests.api.conftest import Caller, sign_in
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

# Calls that end the caller's session are made last, once.
LAST = {("delete", "/api/v1/tokens/current"), ("delete", "/api/v1/me/devices/{device_id}")}


@pytest.fixture(autouse=True)
def _one_month():
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def gated(publication, plans):
    section = SectionFactory(name="Canary Desk", slug="canary-desk")
    tag = TagFactory(name="Canaries", slug="canaries")
    author = AuthorFactory(name="Cora Canary", slug="cora-canary")
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM, section=section, tags=[tag],
                             authors=[author], is_top_story=True)
    metered = ArticleFactory(body=BODY, section=section, tags=[tag], authors=[author], is_editors_pick=True)
    fillers = [ArticleFactory(section=section) for _ in range(5)]
    return {"premium": premium, "metered": metered, "fillers": fillers}


def _past_the_limit(caller: Caller, fillers) -> Caller:
    caller.get(f"/api/v1/articles/{fillers[0].pk}")  # the anonymous meter cookie
    for story in fillers:
        assert caller.get(f"/api/v1/articles/{story.pk}").json()["granted"] is True
    return caller


def _callers(gated):
    anonymous = _past_the_limit(Caller("anonymous past the limit"), gated["fillers"])
    reader = ReaderFactory(email="limit@example.com")
    registered = _past_the_limit(Caller("registered past the limit", sign_in(reader.email)), gated["fillers"])
    revoked = Caller("revoked", sign_in(ReaderFactory(email="revoked@example.com").email))
    revoked.delete("/api/v1/tokens/current")
    _past_the_limit(revoked, gated["fillers"])
    return [anonymous, registered, revoked]


def _values(gated, caller) -> dict[str, list]:
    day = gated["metered"].local_date()
    device = caller.get("/api/v1/me/devices")
    devices = [d["id"] for d in device.json()["results"]] if device.status_code == 200 else [1]
    return {
        "article_id": [gated["premium"].pk, gated["metered"].pk],
        "slug": ["canary-desk", "canaries", "cora-canary"],
        "year": [day.year], "month": [day.month], "day": [day.day],
        "device_id": devices,
        "edition_id": [1],
    }


def _calls(gated, caller):
    """Every (method, path template, concrete path) of the schema, with its parameters filled."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    values = _values(gated, caller)
    calls = []
    for template, item in schema["paths"].items():
        for method in item:
            names = re.findall(r"{(\w+)}", template)
            assert all(n in values for n in names), f"no canary value for {names} in {template}"
            paths = [template]
            for name in names:
                paths = [p.replace("{" + name + "}", str(v)) for p in paths for v in values[name]]
            calls.extend((method, template, p) for p in paths)
    return sorted(calls, key=lambda c: (c[0], c[1]) in LAST)


def _send(caller: Caller, method: str, path: str):
    if method == "get":
        return caller.get(path)
    if method == "post":
        return caller.post(path, {"email": "limit@example.com", "password": "x", "key": "x", "code": "x"})
    return getattr(caller, method)(path)


def test_no_operation_of_the_api_shows_gated_text_to_a_reader_without_the_benefit(gated):
    called = set()
    for caller in _callers(gated):
        for method, template, path in _calls(gated, caller):
            response = _send(caller, method, path)

            assert response.status_code < 500, (caller, method, path)
            assert_no_canary(response, f"{method.upper()} {path} as {caller}")
            called.add((method, template))
        assert caller.get(f"/api/v1/articles/{gated['metered'].pk}").json()["granted"] is False

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert called == {(m, t) for t, item in schema["paths"].items() for m in item}


@pytest.mark.parametrize("query", [*CANARY_WORDS, "juggle seventeen", "marmoset testimony"])
def test_search_by_gated_words_quotes_none_of_them(gated, query):
    """Full-text search finds stories by their whole text, but hands back only cards:
    headline, standfirst and the like, never the gated words it matched."""
    response = Client().get("/api/v1/search", {"q": query})

    assert response.status_code == 200
    assert_no_canary(response, f"search {query!r}", echo=query)


def test_the_canary_is_there_for_a_reader_with_the_benefit(gated, subscribe, essential):
    """The control: the same calls do carry the text when the reader may read it."""
    reader = ReaderFactory(email="subscriber@example.com")
    subscribe(reader, essential)
    caller = Caller("subscriber", sign_in(reader.email))

    for story in (gated["premium"], gated["metered"]):
        data = caller.get(f"/api/v1/articles/{story.pk}").json()
        assert data["granted"] is True
        assert CANARY_WORDS[0] in data["body"]
