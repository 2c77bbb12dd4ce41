"""What a client generated from the schema must be able to do: sign up or sign in, list, read
within the meter, hit the paywall, see its benefits after subscribing on the web, and sign out
a device; with the device limit applied to app sign-ins."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from masthead.accounts.models import Device
from masthead.content.models import Article
from masthead.core import clock
from tests.accounts.factories import ReaderFactory
from tests.api.conftest import Caller, sign_in
from tests.content.factories import ArticleFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db

BODY = "<p>Teaser.</p><p>The rest of the story.</p>"


@pytest.fixture(autouse=True)
def _mid_month():
    with clock.travel(ORDINARY_DAY):
        yield


def test_sign_in_list_read_paywall_subscribe_and_sign_out(publication, plans, subscribe, essential):
    reader = ReaderFactory(email="meera@example.com")
    stories = [ArticleFactory(body=BODY) for _ in range(6)]
    premium = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    app = Caller("app", sign_in(reader.email))

    listed = app.get("/api/v1/articles").json()["results"]
    reads = [app.get(f"/api/v1/articles/{s.pk}").json() for s in stories]
    refused_premium = app.get(f"/api/v1/articles/{premium.pk}").json()
    subscribe(reader, essential)  # on the web: the sandbox checkout's real path
    me = app.get("/api/v1/me").json()
    after = app.get(f"/api/v1/articles/{stories[5].pk}").json()
    signed_out = app.delete(f"/api/v1/me/devices/{me['devices'][0]['id']}")

    assert [a["id"] for a in listed] == [premium.pk, *[s.pk for s in reversed(stories)]]
    assert [r["granted"] for r in reads] == [True] * 5 + [False]
    assert reads[4]["meter"]["notice"] == "This is your last free article this month."
    assert reads[5]["paywall"]["reason"] == "limit_reached"
    assert reads[5]["paywall"]["title"] == "You've reached your limit of 5 free articles this month."
    assert [o["code"] for o in reads[5]["paywall"]["offers"]] == ["smart-quarterly", "smart-essential", "super-saver"]
    assert reads[5]["paywall"]["offers"][1]["subscribe_url"].startswith(
        "http://127.0.0.1:8000/subscribe/?plan=smart-essential&next=")
    assert refused_premium["paywall"]["needs"] == "premium"
    assert "premium" in [b["code"] for b in me["benefits"]]
    assert me["subscription"]["state"] == "active"
    assert (after["granted"], after["reason"], after["body"]) == (True, "entitled", BODY)
    assert signed_out.status_code == 200
    assert app.get("/api/v1/me").status_code == 401
    assert Device.objects.filter(user=reader).count() == 0


def test_sign_up_verify_the_address_and_read_as_the_new_account(publication):
    app = Caller("new app")

    signed_up = app.post("/api/v1/auth/signup", {"email": "new.reader@example.com", "password": "a-long-new-passphrase"})
    pending_token = signed_up.json()["meta"]["session_token"]
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    verified = app.post("/api/v1/auth/email/verify", {"key": key}, HTTP_X_SESSION_TOKEN=pending_token)
    token = verified.json()["meta"]["session_token"]

    assert signed_up.status_code == 401
    assert [f["id"] for f in signed_up.json()["data"]["flows"] if f.get("is_pending")] == ["verify_email"]
    assert verified.status_code == 200
    me = Caller("new", token).get("/api/v1/me").json()
    assert me["email"] == "new.reader@example.com"


def test_a_wrong_password_is_allauths_400_and_issues_no_token(publication):
    ReaderFactory(email="asha@example.com")

    response = Caller("app").post("/api/v1/auth/login", {"email": "asha@example.com", "password": "wrong"})

    assert response.status_code == 400
    assert "session_token" not in str(response.json().get("meta"))


def test_an_app_sign_in_past_the_device_limit_signs_out_the_oldest(publication, settings):
    settings.MASTHEAD_DEVICE_LIMIT = 2
    reader = ReaderFactory(email="many@example.com")
    first = Caller("first", sign_in(reader.email))
    second = Caller("second", sign_in(reader.email))  # travel moves the clock on: later than the first

    third = Caller("third", sign_in(reader.email))

    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200
    devices = third.get("/api/v1/me/devices").json()
    assert len(devices["results"]) == 2 and devices["device_limit"] == 2


def test_refresh_swaps_the_token_on_the_same_device(publication):
    reader = ReaderFactory(email="fresh@example.com")
    app = Caller("app", sign_in(reader.email))
    device = Device.objects.get(user=reader)

    new = app.post("/api/v1/tokens/refresh").json()["token"]

    assert app.get("/api/v1/me").status_code == 401
    assert Caller("app", new).get("/api/v1/me").status_code == 200
    assert list(Device.objects.filter(user=reader)) == [device]
    assert app.post("/api/v1/tokens/refresh").status_code == 401


def test_the_code_sign_in_issues_a_token(publication):
    ReaderFactory(email="coded@example.com")
    app = Caller("app")

    requested = app.post("/api/v1/auth/code/request", {"email": "coded@example.com"})
    body = mail.outbox[-1].body
    code = body.split("Please enter it in your open browser window.")[1].strip().splitlines()[0].strip()
    confirmed = app.post("/api/v1/auth/code/confirm", {"code": code},
                         HTTP_X_SESSION_TOKEN=requested.json()["meta"]["session_token"])

    assert requested.status_code == 401
    assert confirmed.status_code == 200, confirmed.content
    assert Caller("coded", confirmed.json()["meta"]["session_token"]).get("/api/v1/me").status_code == 200
