"""Apps sign in through the headless API; their tokens are stored hashed and revocable."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from masthead.accounts.models import AppToken, Device
from masthead.accounts.tokens import user_for_token
from tests.accounts.conftest import CHROME_WINDOWS, log_in
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

APP_UA = "MastheadApp/2.1 (Android 14; Pixel 8)"


def app_login(email: str, password: str = PASSWORD) -> tuple[Client, str]:
    app = Client(HTTP_USER_AGENT=APP_UA)
    response = app.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return app, response.json()["meta"]["session_token"]


def test_an_app_login_is_a_device_with_a_token_kept_only_as_its_sha256(reader):
    _, token = app_login(reader.email)

    device = Device.objects.get(user=reader)
    assert (device.kind, device.name) == ("app", "Masthead app on Android")
    stored = AppToken.objects.get(session_key=device.session_key)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert token != device.session_key
    assert AppToken.objects.filter(token_hash=token).count() == 0


def test_the_token_authenticates_the_app(reader):
    app, token = app_login(reader.email)

    response = app.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    assert response.json()["data"]["user"]["email"] == reader.email
    assert user_for_token(token) == reader


def test_a_wrong_token_is_refused(reader):
    app, token = app_login(reader.email)

    response = app.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token + "x")

    assert response.status_code == 410  # allauth: the session token is invalid or expired
    assert user_for_token(token + "x") is None


def test_revoking_the_app_from_the_account_page_kills_its_token(reader):
    app, token = app_login(reader.email)
    web = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    log_in(web, reader.email)
    page = web.get("/accounts/").content.decode()
    assert "Masthead app on Android" in page and "(app)" in page

    web.post(f"/accounts/devices/{Device.objects.get(kind='app').id}/sign-out/")

    assert app.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 410
    assert user_for_token(token) is None
    assert AppToken.objects.count() == 0


def test_app_logout_forgets_device_and_token(reader):
    app, token = app_login(reader.email)

    response = app.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 401  # allauth answers "no longer authenticated"
    assert Device.objects.count() == 0
    assert user_for_token(token) is None
