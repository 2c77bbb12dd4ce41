"""Every form that takes an e-mail address refuses one it could not store or deliver whole.

A 306-character address sent to the apps' sign-up was cut to 254 characters (no domain
left) and a confirmation went to that. Now each channel answers 400 with a message (the
apps' API in JSON, the web with the form and its error), stores nothing and sends
nothing.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from masthead.accounts.forms import clean_address, is_deliverable
from tests.accounts.conftest import log_in
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOO_LONG = "a" * 250 + "@" + "b" * 51 + ".com"  # 306 characters, as reported
LONG_LOCAL_PART = "l" * 65 + "@example.com"
BAD_ADDRESSES = [TOO_LONG, "x" * 245 + "@example.com", LONG_LOCAL_PART, "no-at-sign.example.com", "two@@example.com",
                 "name@localhost", "name@example..com"]
TOO_LONG_MESSAGE = "An e-mail address can be at most 254 characters long"
NEW_PASSWORD = "N3w-pass-phrase!"


def test_the_rule_accepts_the_longest_deliverable_address_and_nothing_longer():
    longest = "l" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 57 + ".com"

    assert len(longest) == 254
    assert clean_address(longest) == longest
    assert not is_deliverable("l" + longest)
    assert not is_deliverable("l" * 65 + "@example.com")
    assert is_deliverable("ophelia@example.com")


def app(path, data, client=None, **extra):
    client = client or Client()
    return client.post(f"/_allauth/app/v1/{path}", data, content_type="application/json", **extra)


def app_errors(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def assert_nothing_kept_or_sent():
    assert get_user_model().objects.filter(is_staff=False).exclude(email="hamlet@example.com").count() == 0
    assert EmailAddress.objects.exclude(email="hamlet@example.com").count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("email", BAD_ADDRESSES)
def test_app_sign_up_refuses_the_address_with_a_400(db, email):
    response = app("auth/signup", {"email": email, "password": PASSWORD})

    assert response.status_code == 400
    assert app_errors(response) in (["email_too_long"], ["invalid"], ["invalid_email"])
    assert_nothing_kept_or_sent()


def test_app_sign_up_says_why_a_long_address_is_refused(db):
    response = app("auth/signup", {"email": TOO_LONG, "password": PASSWORD})

    assert response.json()["errors"][0]["message"].startswith(TOO_LONG_MESSAGE)
    assert response.json()["errors"][0]["param"] == "email"


@pytest.mark.parametrize("path", ["auth/code/request", "auth/password/request"])
@pytest.mark.parametrize("email", [TOO_LONG, LONG_LOCAL_PART])
def test_app_code_and_reset_requests_refuse_the_address_with_a_400(db, path, email):
    response = app(path, {"email": email})

    assert response.status_code == 400
    assert app_errors(response) == ["email_too_long"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "url, data",
    [
        ("/accounts/signup/", {"password1": PASSWORD, "password2": PASSWORD}),
        ("/accounts/password/reset/", {}),
        ("/accounts/login/code/", {}),
    ],
)
@pytest.mark.parametrize("email", [TOO_LONG, LONG_LOCAL_PART])
def test_web_forms_answer_400_with_the_form_and_the_reason(db, url, data, email):
    response = Client().post(url, {**data, "email": email})

    assert response.status_code == 400
    assert TOO_LONG_MESSAGE in response.content.decode()
    assert_nothing_kept_or_sent()


def test_changing_the_address_on_the_web_refuses_a_long_one(reader):
    client = Client()
    log_in(client, reader.email)
    mail.outbox.clear()

    response = client.post("/accounts/email/", {"action_add": "", "email": TOO_LONG})

    assert response.status_code == 400
    assert TOO_LONG_MESSAGE in response.content.decode()
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [reader.email]
    assert mail.outbox == []


def test_changing_the_address_in_the_app_refuses_a_long_one(reader):
    client = Client()
    token = app("auth/login", {"email": reader.email, "password": PASSWORD}, client).json()["meta"]["session_token"]
    mail.outbox.clear()

    response = app("account/email", {"email": TOO_LONG}, client, HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 400
    assert app_errors(response) == ["email_too_long"]
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [reader.email]
    assert mail.outbox == []


def test_no_account_e_mail_goes_to_an_undeliverable_address(db):
    from masthead.accounts.adapter import AccountAdapter

    AccountAdapter().send_mail("account/email/unknown_account", TOO_LONG, {"email": TOO_LONG})

    assert mail.outbox == []


def test_a_good_address_still_signs_up_in_the_app(db):
    response = app("auth/signup", {"email": "ophelia@example.com", "password": PASSWORD})

    assert response.status_code == 401  # allauth: signed up, e-mail verification pending
    assert [m.to for m in mail.outbox] == [["ophelia@example.com"]]
