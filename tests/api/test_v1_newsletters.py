"""/api/v1/me/newsletters, as each of the four callers: the lists, joining and leaving through
the newsletters actions (consent recorded, source "app"), and the subscriber-only refusal."""

from __future__ import annotations

import pytest

from masthead.newsletters.models import Consent, NewsletterList, Signup

pytestmark = pytest.mark.django_db

SIGNED_IN = {"metered", "subscribed"}


@pytest.fixture
def lists(db):
    morning = NewsletterList.objects.create(slug="morning-brief", name="Morning Brief", description="The day ahead.",
                                            cadence=NewsletterList.Cadence.DAILY, order=1)
    markets = NewsletterList.objects.create(slug="markets-insider", name="Markets Insider",
                                            description="For subscribers.", cadence=NewsletterList.Cadence.WEEKLY,
                                            audience=NewsletterList.Audience.SUBSCRIBERS, order=2)
    NewsletterList.objects.create(slug="retired", name="Retired", is_active=False, order=3)
    return {"free": morning, "subscribers": markets}


def test_the_lists_answer_the_signed_in_reader_privately_and_refuse_the_others(caller, lists):
    response = caller.get("/api/v1/me/newsletters")

    if caller.name not in SIGNED_IN:
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "/api/v1/problems/sign-in-required"
        return
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Vary"] == "Authorization, Cookie, Origin"
    subscriber = caller.name == "subscribed"
    assert response.json()["results"] == [
        {"slug": "morning-brief", "name": "Morning Brief", "description": "The day ahead.", "cadence": "daily",
         "for_subscribers": False, "joined": False, "may_join": True,
         "wording": "Send me Morning Brief by e-mail every day. I can unsubscribe at any time with one click "
                    "from any issue or from my account."},
        {"slug": "markets-insider", "name": "Markets Insider", "description": "For subscribers.",
         "cadence": "weekly", "for_subscribers": True, "joined": False, "may_join": subscriber,
         "wording": "Send me Markets Insider by e-mail every week. I can unsubscribe at any time with one "
                    "click from any issue or from my account."},
    ]
    assert response.json()["subscribe_url"].endswith("/subscribe/")


def test_joining_and_leaving_are_recorded_as_consent_from_the_app(make_caller, lists):
    caller = make_caller("metered")

    joined = caller.put("/api/v1/me/newsletters/morning-brief", data={"joined": True},
                        content_type="application/json")

    assert joined.status_code == 200, joined.content
    assert joined["Cache-Control"] == "private, no-store"
    assert joined.json()["joined"] is True
    signup = Signup.objects.get(newsletter=lists["free"], email="metered@example.com")
    assert (signup.status, signup.user) == (Signup.Status.CONFIRMED, caller.user)
    assert [(c.action, c.source, c.wording) for c in signup.consents.all()] == [
        (Consent.Action.CONFIRMED, "app", "Send me Morning Brief by e-mail every day. I can unsubscribe at any "
                                          "time with one click from any issue or from my account.")]
    assert [n["joined"] for n in caller.get("/api/v1/me/newsletters").json()["results"]] == [True, False]

    left = caller.put("/api/v1/me/newsletters/morning-brief", data={"joined": False},
                      content_type="application/json")

    assert left.status_code == 200
    assert left.json()["joined"] is False
    signup.refresh_from_db()
    assert signup.status == Signup.Status.LEFT
    assert [(c.action, c.source) for c in signup.consents.all()] == [
        (Consent.Action.CONFIRMED, "app"), (Consent.Action.WITHDRAWN, "app")]
    assert [n["joined"] for n in caller.get("/api/v1/me/newsletters").json()["results"]] == [False, False]


def test_a_subscriber_only_list_is_refused_without_the_newsletters_benefit(make_caller, lists):
    caller = make_caller("metered")

    response = caller.put("/api/v1/me/newsletters/markets-insider", data={"joined": True},
                          content_type="application/json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/api/v1/problems/subscription-required"
    assert body["subscribe_url"].endswith("/subscribe/")
    assert "Markets Insider" in body["detail"]
    assert not Signup.objects.filter(newsletter=lists["subscribers"]).exists()


def test_a_subscriber_joins_a_subscriber_only_list(make_caller, lists):
    caller = make_caller("subscribed")

    response = caller.put("/api/v1/me/newsletters/markets-insider", data={"joined": True},
                          content_type="application/json")

    assert response.status_code == 200
    assert response.json()["joined"] is True
    signup = Signup.objects.get(newsletter=lists["subscribers"])
    assert [(c.action, c.source) for c in signup.consents.all()] == [(Consent.Action.CONFIRMED, "app")]


@pytest.mark.parametrize("kind", ["anonymous", "revoked"])
def test_without_a_live_token_nothing_is_joined(make_caller, lists, kind):
    caller = make_caller(kind)

    response = caller.put("/api/v1/me/newsletters/morning-brief", data={"joined": True},
                          content_type="application/json")

    assert response.status_code == 401
    assert not Signup.objects.exists()


def test_an_unknown_or_retired_list_is_not_found(make_caller, lists):
    caller = make_caller("metered")

    for slug in ("no-such-list", "retired"):
        response = caller.put(f"/api/v1/me/newsletters/{slug}", data={"joined": True},
                              content_type="application/json")
        assert response.status_code == 404, slug
    assert not Signup.objects.exists()
