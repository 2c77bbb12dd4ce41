"""Rotating the secret key: what the old key signed stays valid while it is a fallback."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from masthead.access import reader

OLD, NEW = "old-key-" + "o" * 50, "new-key-" + "n" * 50


def test_a_meter_cookie_signed_with_the_retired_key_is_read_while_it_is_a_fallback(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    cookie = reader.cookie_value("reader-1")

    settings.SECRET_KEY = NEW
    assert reader.read_cookie(cookie) is None  # rotated without a fallback: a new meter

    settings.SECRET_KEY_FALLBACKS = [OLD]
    assert reader.read_cookie(cookie) == ("reader-1", False)
    assert reader.cookie_value("reader-1") != cookie  # new cookies carry the new key's signature


@pytest.mark.django_db
def test_a_session_made_before_the_rotation_stays_signed_in_while_the_old_key_is_a_fallback(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    user = get_user_model().objects.create_user("rotating", "rotating@example.com", "pw-Rotating-2026")
    came_back, stayed_away = Client(), Client()
    came_back.force_login(user)
    stayed_away.force_login(user)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert came_back.get("/accounts/subscription/").status_code == 200  # and Django re-signs it with NEW

    settings.SECRET_KEY_FALLBACKS = []
    assert came_back.get("/accounts/subscription/").status_code == 200
    assert stayed_away.get("/accounts/subscription/").status_code == 302  # not seen in time: log in again


def test_the_setting_reads_a_comma_separated_list(monkeypatch):
    from masthead.config import env_list

    monkeypatch.setenv("MASTHEAD_SECRET_KEY_FALLBACKS", f"{OLD}, {NEW}")
    assert env_list("SECRET_KEY_FALLBACKS", []) == [OLD, NEW]
