"""Every /api/v1/ operation, called as each of the four callers (tests/api/conftest.py):
anonymous, metered (a registered reader's token), subscribed, and a revoked token."""

from __future__ import annotations

import pytest

from masthead.api.models import SavedStory
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

GATED = "The paragraph only readers with the benefit may see."
BODY = f"<p>The teaser anyone may read.</p><p>{GATED}</p>"
SIGNED_IN = {"metered", "subscribed"}


@pytest.fixture(autouse=True)
def _mid_month():
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def stories(publication):
    section = SectionFactory(name="Business", slug="business")
    tag = TagFactory(name="Rupee", slug="rupee")
    author = AuthorFactory(name="Asha Rao", slug="asha-rao")
    metered = ArticleFactory(body=BODY, section=section, tags=[tag], authors=[author], is_top_story=True)
    premium = ArticleFactory(body=BODY, section=section, access=Article.Access.PREMIUM)
    return {"metered": metered, "premium": premium, "section": section, "tag": tag, "author": author}


def public_paths(stories) -> list[str]:
    day = stories["metered"].local_date()
    return [
        "/api/v1/publication", "/api/v1/sections", "/api/v1/home", "/api/v1/articles",
        "/api/v1/sections/business/articles", "/api/v1/tags/rupee", "/api/v1/tags/rupee/articles",
        "/api/v1/authors/asha-rao", "/api/v1/authors/asha-rao/articles", "/api/v1/archive",
        f"/api/v1/archive/{day.year}", f"/api/v1/archive/{day.year}/{day.month}",
        f"/api/v1/archive/{day.year}/{day.month}/{day.day}", "/api/v1/search?q=headline",
        "/api/v1/offers", "/api/v1/paywall",
    ]


def test_the_public_operations_answer_every_caller_alike_and_publicly(caller, stories):
    for path in public_paths(stories):
        response = caller.get(path)

        assert response.status_code == 200, (caller, path, response.content)
        assert response["Cache-Control"] == "public, max-age=60", path
        assert response["ETag"].startswith('"'), path
        assert GATED not in response.content.decode(), path


def test_the_lists_hold_the_stories_and_never_a_body(caller, stories):
    page = caller.get("/api/v1/sections/business/articles").json()

    assert [a["id"] for a in page["results"]] == [stories["premium"].pk, stories["metered"].pk]
    assert [a["access"] for a in page["results"]] == ["premium", "metered"]
    assert page["next_cursor"] is None
    assert all("body" not in a for a in page["results"])
    home = caller.get("/api/v1/home").json()
    assert [a["id"] for a in home["top_stories"]] == [stories["metered"].pk]


EXPECTED_READS = {
    # caller: (metered story granted, its reason, premium granted, premium reason)
    "anonymous": (False, "cookies_required", False, "premium"),
    "metered": (True, "metered", False, "premium"),
    "subscribed": (True, "entitled", True, "entitled"),
    "revoked": (False, "cookies_required", False, "premium"),
}


def test_a_story_is_read_as_the_caller_may(caller, stories):
    metered_granted, metered_reason, premium_granted, premium_reason = EXPECTED_READS[caller.name]

    metered = caller.get(f"/api/v1/articles/{stories['metered'].pk}")
    premium = caller.get(f"/api/v1/articles/{stories['premium'].pk}")

    for response, granted, reason in ((metered, metered_granted, metered_reason),
                                      (premium, premium_granted, premium_reason)):
        data = response.json()
        assert response.status_code == 200
        assert (data["granted"], data["reason"]) == (granted, reason)
        assert data["teaser"] == "<p>The teaser anyone may read.</p>"
        assert response["Cache-Control"] == "private, no-store"
        assert "Authorization" in response["Vary"] and "Cookie" in response["Vary"]
        if granted:
            assert data["body"] == BODY and data["paywall"] is None
        else:
            assert data["body"] is None
            assert data["paywall"]["reason"] == reason
            assert data["paywall"]["subscribe_url"].startswith("http://127.0.0.1:8000/subscribe/?next=")
            assert GATED not in response.content.decode()


def test_the_anonymous_meter_counts_once_the_cookie_is_kept(make_caller, stories):
    caller = make_caller("anonymous")
    caller.get(f"/api/v1/articles/{stories['metered'].pk}")  # the first read sets the meter cookie

    data = caller.get(f"/api/v1/articles/{stories['metered'].pk}").json()

    assert (data["granted"], data["reason"]) == (True, "metered")
    assert data["meter"] == {"used": 1, "remaining": 4, "limit": 5, "notice": "4 free articles left this month."}


READER_PATHS = ["/api/v1/me", "/api/v1/me/devices", "/api/v1/me/saved", "/api/v1/me/history"]


def test_the_reader_operations_need_a_live_token(caller, stories):
    for path in READER_PATHS:
        response = caller.get(path)

        if caller.name in SIGNED_IN:
            assert response.status_code == 200, (path, response.content)
            assert response["Cache-Control"] == "private, no-cache"
            assert "Authorization" in response["Vary"]
        else:
            assert response.status_code == 401, path
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["type"] == "/api/v1/problems/sign-in-required"
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    for method, path in (("put", f"/api/v1/me/saved/{stories['metered'].pk}"),
                         ("delete", f"/api/v1/me/saved/{stories['metered'].pk}"),
                         ("delete", "/api/v1/me/history"), ("post", "/api/v1/tokens/refresh")):
        response = getattr(caller, method)(path)
        assert response.status_code == (200 if caller.name in SIGNED_IN else 401), (method, path, response.content)


def test_me_tells_benefits_subscription_meter_and_devices(caller, stories):
    response = caller.get("/api/v1/me")
    if caller.name not in SIGNED_IN:
        assert response.status_code == 401
        return
    me = response.json()

    assert me["email"] == f"{caller.name}@example.com"
    assert [d["current"] for d in me["devices"]] == [True]
    assert me["devices"][0]["kind"] == "app"
    if caller.name == "subscribed":
        sub = caller.user.subscriptions.get()
        assert [b["code"] for b in me["benefits"]] == ["premium", "partner", "epaper", "newsletters", "markets",
                                                      "archive", "ad_free", "devices"]
        assert me["subscription"]["plan_code"] == "smart-essential"
        assert me["subscription"]["state"] == "active"
        assert me["subscription"]["renews"] is True
        assert me["subscription"]["renews_at"] == sub.current_period_end.isoformat()
        assert me["meter"] is None
    else:
        assert me["benefits"] == [] and me["subscription"] is None
        assert me["meter"] == {"used": 0, "remaining": 5, "limit": 5, "notice": "5 free articles left this month."}


def test_saved_stories_and_history_are_the_readers_own(caller, stories):
    if caller.name not in SIGNED_IN:
        assert caller.put(f"/api/v1/me/saved/{stories['metered'].pk}").status_code == 401
        assert SavedStory.objects.count() == 0
        return
    story = stories["metered"]

    saved = caller.put(f"/api/v1/me/saved/{story.pk}")
    again = caller.put(f"/api/v1/me/saved/{story.pk}")
    caller.get(f"/api/v1/articles/{story.pk}")

    assert saved.status_code == again.status_code == 200
    assert saved.json()["saved_at"] == again.json()["saved_at"]
    assert [s["article"]["id"] for s in caller.get("/api/v1/me/saved").json()["results"]] == [story.pk]
    assert [h["article"]["id"] for h in caller.get("/api/v1/me/history").json()["results"]] == [story.pk]
    assert caller.delete(f"/api/v1/me/saved/{story.pk}").status_code == 200
    assert caller.delete(f"/api/v1/me/saved/{story.pk}").status_code == 404
    assert caller.get("/api/v1/me/saved").json()["results"] == []
    assert caller.delete("/api/v1/me/history").json() == {"detail": "Forgot 1 stories."}
    assert caller.get("/api/v1/me/history").json()["results"] == []
    assert caller.put("/api/v1/me/saved/999999").status_code == 404


def test_a_refused_read_is_not_history(make_caller, stories):
    caller = make_caller("metered")

    caller.get(f"/api/v1/articles/{stories['premium'].pk}")

    assert caller.get("/api/v1/me/history").json()["results"] == []
