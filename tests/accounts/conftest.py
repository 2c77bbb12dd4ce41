"""Fixtures for accounts: readers, logging in through the real forms, browsers."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import PASSWORD, ReaderFactory

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _own_sources_only(settings):
    """Entitlements from staff and this app only, so these tests hold whatever billing does."""
    settings.MASTHEAD_ENTITLEMENT_SOURCES = [
        "masthead.access.entitlements.staff_source",
        "masthead.accounts.entitlements.grant_source",
    ]


@pytest.fixture
def reader(db):
    """Hamlet: a registered reader with a verified address and no subscription."""
    return ReaderFactory(email="hamlet@example.com")


def log_in(client: Client, email: str, password: str = PASSWORD, *, next_url: str | None = None, **extra):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, **extra)


@pytest.fixture
def browser():
    """A new browser (its own cookie jar) with a given user agent and address."""

    def make(user_agent: str = CHROME_WINDOWS, ip: str = "127.0.0.1") -> Client:
        return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)

    return make


def session_store(session_key=None):
    """A store of the configured engine (db, or cached_db when Redis is set)."""
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
