"""The admin login is limited like the reader login: per address and per account name."""

from __future__ import annotations

import time

import pytest
from allauth.core.internal import ratelimit
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "pw-edna-1234"
THROTTLED = "Too many failed attempts to log in."


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("edna", "edna@example.com", PASSWORD)


class SteppedTime:
    """The limiter's clock (allauth counts in time.time()), moved on by the test."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def limiter_time(monkeypatch):
    stepped = SteppedTime()
    monkeypatch.setattr(ratelimit, "time", stepped)
    return stepped


def admin_login(client, username="edna", password=PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"})


def test_the_right_password_logs_in(editor):
    client = Client()

    response = admin_login(client)

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_after_five_wrong_passwords_even_the_right_one_is_refused_until_the_window_passes(editor, limiter_time):
    for n in range(5):
        response = admin_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), password="wrong-password")
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()

    client = Client(REMOTE_ADDR="203.0.113.99")
    refused = admin_login(client)

    assert refused.status_code == 429
    assert THROTTLED in refused.content.decode()
    assert client.get("/admin/").status_code == 302  # not logged in

    limiter_time.now += 4 * 60
    assert admin_login(client).status_code == 429
    limiter_time.now += 61
    assert admin_login(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_limit_is_per_account_name_whatever_its_case(editor):
    for n in range(5):
        admin_login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), username="EDNA", password="wrong")

    assert admin_login(Client(REMOTE_ADDR="198.51.100.1"), username=" Edna ").status_code == 429


def test_one_address_trying_many_accounts_is_limited(editor):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(10):
        assert admin_login(attacker, username=f"staff{n}", password="wrong").status_code == 200

    assert admin_login(attacker).status_code == 429
    assert admin_login(Client(REMOTE_ADDR="198.51.100.8")).status_code == 302


def test_right_passwords_give_their_count_back(editor):
    client = Client()
    for _ in range(4):
        admin_login(client, password="wrong")
    for _ in range(3):
        assert admin_login(Client()).status_code == 302

    assert admin_login(client, password="wrong").status_code == 200
    assert admin_login(Client()).status_code == 429


def test_the_admin_password_change_is_limited_per_staff_member(editor):
    client = Client()
    client.force_login(editor)
    form = {"old_password": "wrong", "new_password1": "N3w-pass-phrase!", "new_password2": "N3w-pass-phrase!"}
    for _ in range(5):
        assert client.post("/admin/password_change/", form).status_code == 200

    refused = client.post("/admin/password_change/", {**form, "old_password": PASSWORD})

    assert refused.status_code == 429
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
