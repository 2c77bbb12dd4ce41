"""API fixtures: the publication, plans, and the four callers every v1 endpoint is tried as.

- anonymous: no token, no meter cookie yet (its first read is the cookie paywall);
- metered: a registered reader's app token, within the free limit;
- subscribed: an app token of a reader who bought Smart Essential through the sandbox;
- revoked: an app token whose device was signed out (it reads as anonymous, /me is refused).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.access.conftest import editor, publication, registered_reader  # noqa: F401
from tests.accounts.factories import PASSWORD, ReaderFactory
from tests.billing.conftest import essential, plans, sandbox, sandbox_store, subscribe  # noqa: F401


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """The suite makes many calls from one address in a minute; the limit tests set their own."""
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "api": "100000/m/ip,100000/m/key"}


def sign_in(email: str, password: str = PASSWORD) -> str:
    """An app token from the v1 sign-in (allauth headless)."""
    response = Client().post("/api/v1/auth/login", {"email": email, "password": password},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class Caller:
    """A client that sends its token (if any) on every request."""

    def __init__(self, name: str, token: str | None = None):
        self.name = name
        self.token = token
        self.client = Client()

    def _headers(self, extra):
        headers = dict(extra)
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, path, **extra):
        return self.client.get(path, **self._headers(extra))

    def put(self, path, **extra):
        return self.client.put(path, **self._headers(extra))

    def post(self, path, data=None, **extra):
        return self.client.post(path, data or {}, content_type="application/json", **self._headers(extra))

    def delete(self, path, **extra):
        return self.client.delete(path, **self._headers(extra))

    def __repr__(self):
        return f"<{self.name} caller>"


@pytest.fixture
def make_caller(db, publication, plans, subscribe, essential):
    def make(kind: str) -> Caller:
        if kind == "anonymous":
            return Caller(kind)
        reader = ReaderFactory(email=f"{kind}@example.com")
        if kind == "subscribed":
            subscribe(reader, essential)
        token = sign_in(reader.email)
        caller = Caller(kind, token)
        caller.user = reader
        if kind == "revoked":
            assert caller.delete("/api/v1/tokens/current").status_code == 200
        return caller

    return make


@pytest.fixture(params=["anonymous", "metered", "subscribed", "revoked"])
def caller(request, make_caller):
    return make_caller(request.param)
