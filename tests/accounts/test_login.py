"""Signing up and in: verification, return to the article, rotation, CSRF, throttling, enumeration."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.accounts.conftest import log_in, session_store
from tests.accounts.factories import PASSWORD, ReaderFactory

pytestmark = pytest.mark.django_db

def test_sign_up_sends_a_verification_link_and_verifying_logs_the_reader_in(client):
    response = client.post(
        "/accounts/signup/", {"email": "ophelia@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/(\S+)/", mail.outbox[0].body)
    assert link is not None
    confirm = client.post(f"/accounts/confirm-email/{link.group(1)}/")
    assert confirm.status_code == 302
    assert client.get("/accounts/").status_code == 200

def test_sign_up_with_a_known_address_answers_exactly_like_a_new_one(client, reader):
    known = client.post("/accounts/signup/", {"email": reader.email, "password1": PASSWORD, "password2": PASSWORD})
    fresh = Client().post(
        "/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert (known.status_code, known["Location"]) == (fresh.status_code, fresh["Location"]) == (302, "/accounts/confirm-email/")

def test_log_in_returns_to_the_article_named_in_next(client, reader):
    response = log_in(client, reader.email, next_url="/2026/11/30/budget-explained/")

    assert response.status_code == 302
    assert response["Location"] == "/2026/11/30/budget-explained/"

def test_log_in_refuses_a_next_url_on_another_site(client, reader):
    response = log_in(client, reader.email, next_url="https://evil.example/steal")

    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL

def test_the_paywall_login_link_carries_next_through_the_form(client):
    page = client.get("/accounts/login/?next=/2026/11/30/budget-explained/")

    assert page.status_code == 200
    assert b'name="next" value="/2026/11/30/budget-explained/"' in page.content

def test_log_in_rotates_the_session_key(client, reader):
    session = session_store()
    session["meter_hint"] = "kept"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    log_in(client, reader.email)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert session_store().exists(before) is False
    assert session_store().exists(after) is True

def test_every_form_needs_its_csrf_token(reader):
    strict = Client(enforce_csrf_checks=True)

    assert log_in(strict, reader.email).status_code == 403
    assert strict.post("/accounts/password/reset/", {"email": reader.email}).status_code == 403
    assert strict.post("/accounts/login/code/", {"email": reader.email}).status_code == 403

def test_login_form_pages_carry_a_csrf_token(client):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/login/code/"]:
        assert b'name="csrfmiddlewaretoken"' in client.get(url).content, url

THROTTLED = "Too many failed attempts to log in."

def test_failed_logins_for_one_account_are_throttled_from_any_address(reader):
    for n in range(5):
        response = log_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), reader.email, "wrong-password")
        assert THROTTLED not in response.content.decode()

    sixth = Client(REMOTE_ADDR="203.0.113.99")
    response = log_in(sixth, reader.email)  # even the right password waits now

    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert sixth.get("/accounts/").status_code == 302

def test_failed_logins_from_one_address_are_throttled_across_accounts(db):
    readers = ReaderFactory.create_batch(11)
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for r in readers[:10]:
        assert THROTTLED not in log_in(attacker, r.email, "wrong-password").content.decode()

    response = log_in(attacker, readers[10].email, "wrong-password")

    assert THROTTLED in response.content.decode()
    assert THROTTLED not in log_in(Client(REMOTE_ADDR="198.51.100.8"), readers[10].email, "wrong").content.decode()

def test_password_resets_are_throttled_per_account_with_a_clear_page(reader):
    for n in range(3):
        assert Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            "/accounts/password/reset/", {"email": reader.email}
        ).status_code == 302

    response = Client(REMOTE_ADDR="203.0.113.50").post("/accounts/password/reset/", {"email": reader.email})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()

def test_login_codes_are_throttled_per_account(reader):
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post("/accounts/login/code/", {"email": reader.email})

    response = Client(REMOTE_ADDR="203.0.113.60").post("/accounts/login/code/", {"email": reader.email})

    assert response.status_code == 429
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == 3

def _same_response(a, b):
    return (a.status_code, a.get("Location")) == (b.status_code, b.get("Location"))

def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, reader):
    known = client.post("/accounts/password/reset/", {"email": reader.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert _same_response(known, unknown)
    assert known["Location"] == "/accounts/password/reset/done/"
    # Both get an e-mail: the unknown one is told no account exists, never the visitor.
    assert sorted(m.to[0] for m in mail.outbox) == ["hamlet@example.com", "nobody@example.com"]

def test_code_login_answers_the_same_for_known_and_unknown_addresses(client, reader):
    known = client.post("/accounts/login/code/", {"email": reader.email})
    unknown = Client().post("/accounts/login/code/", {"email": "nobody@example.com"})

    assert _same_response(known, unknown)
    assert known["Location"] == "/accounts/login/code/confirm/"

def test_logging_in_with_an_emailed_code(client, reader):
    client.post("/accounts/login/code/", {"email": reader.email})
    body = mail.outbox[0].body
    code = body.split("Please enter it in your open browser window.")[1].strip().splitlines()[0].strip()

    response = client.post("/accounts/login/code/confirm/", {"code": code})

    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200

def test_wrong_password_message_does_not_say_whether_the_account_exists(reader):
    known = log_in(Client(), reader.email, "wrong-password").content.decode()
    unknown = log_in(Client(), "nobody@example.com", "wrong-password").content.decode()

    assert "The email address and/or password you specified are not correct." in known
    assert "The email address and/or password you specified are not correct." in unknown

def test_anonymous_page_requests_never_read_the_session_or_the_user(client):
    """allauth's AccountMiddleware and the device middleware leave anonymous readers alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/privacy/")
        client.get("/2026/11/30/no-such-story/")

    touched = [q["sql"] for q in queries if "django_session" in q["sql"] or "auth_user" in q["sql"]]
    assert touched == []
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_account_emails_name_the_publication(client, reader):
    from tests.content.factories import PublicationFactory

    PublicationFactory(name="The Test Gazette")
    client.post("/accounts/password/reset/", {"email": reader.email})

    assert mail.outbox[0].subject == "The Test Gazette: Password Reset Email"
    assert mail.outbox[0].body.startswith("Hello from The Test Gazette,")


# --- every channel that takes a password or a code is limited --------------------------
def app_post(client, path, data, **extra):
    return client.post(f"/_allauth/app/v1/{path}", data, content_type="application/json", **extra)


def test_failed_app_logins_are_throttled_and_then_refuse_the_right_password(reader):
    for n in range(5):
        wrong = app_post(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "auth/login",
                         {"email": reader.email, "password": "wrong-password"})
        assert wrong.status_code == 400

    right = app_post(Client(REMOTE_ADDR="203.0.113.99"), "auth/login", {"email": reader.email, "password": PASSWORD})

    assert right.status_code == 400
    assert [e["code"] for e in right.json()["errors"]] == ["too_many_login_attempts"]


def test_the_web_and_app_logins_share_one_count_per_account(reader):
    for n in range(5):
        log_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), reader.email, "wrong-password")

    right = app_post(Client(REMOTE_ADDR="203.0.113.99"), "auth/login", {"email": reader.email, "password": PASSWORD})

    assert right.status_code == 400


def test_app_login_code_and_password_reset_requests_are_throttled_per_account(reader):
    for n in range(3):
        app_post(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "auth/code/request", {"email": reader.email})
        app_post(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "auth/password/request", {"email": reader.email})
    sent = len(mail.outbox)

    code = app_post(Client(REMOTE_ADDR="203.0.113.60"), "auth/code/request", {"email": reader.email})
    reset = app_post(Client(REMOTE_ADDR="203.0.113.60"), "auth/password/request", {"email": reader.email})

    assert (code.status_code, reset.status_code) == (400, 429)
    assert [e["code"] for e in code.json()["errors"]] == ["too_many_login_attempts"]
    assert len(mail.outbox) == sent == 6


def test_an_emailed_code_dies_after_three_wrong_guesses(client, reader):
    client.post("/accounts/login/code/", {"email": reader.email})
    body = mail.outbox[0].body
    code = body.split("Please enter it in your open browser window.")[1].strip().splitlines()[0].strip()
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC"]:
        client.post("/accounts/login/code/confirm/", {"code": guess})

    client.post("/accounts/login/code/confirm/", {"code": code})

    assert client.get("/accounts/").status_code == 302  # still not signed in
