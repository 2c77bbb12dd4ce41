"""Data rights: the JSON export from every module, deleting the account, the privacy notice."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from masthead.accounts.models import ComplimentaryGrant, Device, OrganisationMember, PartnerCode
from tests.accounts.conftest import CHROME_WINDOWS, FIREFOX_LINUX, log_in, session_store
from tests.accounts.factories import PASSWORD, GrantFactory, OrganisationFactory, PartnerCodeFactory, ReaderFactory

pytestmark = pytest.mark.django_db

# A stand-in for another app's personal_data module: records what it was asked.
CALLS: list[tuple[str, str]] = []


def export(user) -> dict:
    CALLS.append(("export", user.email))
    return {"meter": [{"article": "budget-explained", "month": "2026-11"}]}


def erase(user) -> None:
    CALLS.append(("erase", user.email))


@pytest.fixture(autouse=True)
def _modules(settings):
    CALLS.clear()
    settings.MASTHEAD_PERSONAL_DATA = ["masthead.accounts.personal_data", "tests.accounts.test_data_rights"]


@pytest.fixture
def signed_in(reader):
    browser = Client(HTTP_USER_AGENT=CHROME_WINDOWS, REMOTE_ADDR="49.37.12.34")
    log_in(browser, reader.email)
    return browser


def test_export_holds_the_account_devices_grants_and_every_module(reader, signed_in):
    GrantFactory(user=reader, reason="gift", note="Diwali gift")
    PartnerCodeFactory(code="PW-77", claimed_by=reader)

    response = signed_in.get("/accounts/data/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert sorted(data) == ["accounts", "exported_at", "tests.accounts.test_data_rights"]
    assert data["accounts"]["account"]["email"] == "hamlet@example.com"
    assert data["accounts"]["email_addresses"] == [{"email": "hamlet@example.com", "verified": True, "primary": True}]
    assert [(d["name"], d["location"]) for d in data["accounts"]["devices"]] == [
        ("Chrome on Windows", "Network 49.37.12.0/24")
    ]
    assert [(g["reason"], g["benefits"]) for g in data["accounts"]["complimentary_access"]] == [("gift", "all")]
    assert data["accounts"]["partner_codes"][0]["code"] == "PW-77"
    assert data["tests.accounts.test_data_rights"] == {"meter": [{"article": "budget-explained", "month": "2026-11"}]}
    assert "password" not in json.dumps(data)


def test_export_needs_a_signed_in_reader(client):
    response = client.get("/accounts/data/export/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_deleting_with_the_password_erases_and_anonymises(reader, signed_in):
    other_device = Client(HTTP_USER_AGENT=FIREFOX_LINUX)
    log_in(other_device, reader.email)
    other_key = Device.objects.get(name="Firefox on Linux").session_key
    GrantFactory(user=reader)
    OrganisationFactory(email_domains="example.com")
    signed_in.get("/accounts/")  # takes a group seat
    PartnerCodeFactory(code="PW-9", claimed_by=reader)
    mail.outbox.clear()

    response = signed_in.post("/accounts/data/delete/", {"password": PASSWORD, "confirm": "yes"})

    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()
    user = get_user_model().objects.get(pk=reader.pk)
    assert (user.email, user.first_name, user.last_name, user.username) == ("", "", "", f"deleted-{reader.pk}")
    assert user.is_active is False
    assert user.has_usable_password() is False
    assert EmailAddress.objects.filter(user=user).count() == 0
    assert Device.objects.filter(user=user).count() == 0
    assert ComplimentaryGrant.objects.filter(user=user).count() == 0
    assert OrganisationMember.objects.filter(user=user).count() == 0
    assert PartnerCode.objects.get(code="PW-9").claimed_by_id == reader.pk  # never handed out again
    assert session_store().exists(other_key) is False
    assert other_device.get("/accounts/").status_code == 302
    assert signed_in.get("/accounts/").status_code == 302
    assert CALLS == [("erase", "hamlet@example.com")]
    assert [m.to for m in mail.outbox] == [["hamlet@example.com"]]
    assert mail.outbox[0].subject.startswith("Your account with ") and mail.outbox[0].subject.endswith(" has been deleted")


def test_the_old_address_can_sign_up_again_after_deletion(reader, signed_in):
    signed_in.post("/accounts/data/delete/", {"password": PASSWORD, "confirm": "yes"})

    response = Client().post(
        "/accounts/signup/", {"email": "hamlet@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert get_user_model().objects.filter(email="hamlet@example.com").count() == 1


def test_a_wrong_password_deletes_nothing(reader, signed_in):
    response = signed_in.post("/accounts/data/delete/", {"password": "not-it", "confirm": "yes"})

    assert response.status_code == 400
    assert "Your account was not deleted" in response.content.decode()
    assert get_user_model().objects.get(pk=reader.pk).is_active is True
    assert CALLS == []
    assert mail.outbox == []


def test_deletion_needs_the_confirmation_box(reader, signed_in):
    response = signed_in.post("/accounts/data/delete/", {"password": PASSWORD})

    assert response.status_code == 400
    assert get_user_model().objects.get(pk=reader.pk).is_active is True


def test_a_reader_without_a_password_confirms_with_an_emailed_code(db):
    reader = ReaderFactory(email="codeonly@example.com")
    reader.set_unusable_password()
    reader.save()
    browser = Client()
    browser.post("/accounts/login/code/", {"email": reader.email})
    login_code = mail.outbox[0].body.split("Please enter it in your open browser window.")[1].split()[0]
    browser.post("/accounts/login/code/confirm/", {"code": login_code})
    mail.outbox.clear()

    browser.post("/accounts/data/delete/code/")
    code = re.search(r"^(\d{6})$", mail.outbox[0].body, re.M).group(1)
    wrong = browser.post("/accounts/data/delete/", {"code": "000000" if code != "000000" else "111111", "confirm": "yes"})
    right = browser.post("/accounts/data/delete/", {"code": code, "confirm": "yes"})

    assert wrong.status_code == 400
    assert right.status_code == 200
    assert get_user_model().objects.get(pk=reader.pk).is_active is False


def test_guessing_the_deletion_password_or_code_is_limited(reader, signed_in):
    for guess in ["one", "two", "three", "four", "five"]:
        assert signed_in.post("/accounts/data/delete/", {"password": guess, "confirm": "yes"}).status_code == 400
    signed_in.post("/accounts/data/delete/code/")
    code = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.M).group(1)

    by_password = signed_in.post("/accounts/data/delete/", {"password": PASSWORD, "confirm": "yes"})
    by_code = signed_in.post("/accounts/data/delete/", {"code": code, "confirm": "yes"})

    assert (by_password.status_code, by_code.status_code) == (429, 429)
    assert "Too many attempts" in by_code.content.decode()
    assert get_user_model().objects.get(pk=reader.pk).is_active is True


def test_deletion_codes_are_sent_at_most_three_times_in_five_minutes(reader, signed_in):
    for _ in range(3):
        assert signed_in.post("/accounts/data/delete/code/").status_code == 302

    assert signed_in.post("/accounts/data/delete/code/").status_code == 429
    assert len(mail.outbox) == 3


def test_the_data_page_offers_download_and_deletion(signed_in):
    page = signed_in.get("/accounts/data/").content.decode()

    assert 'href="/accounts/data/export/"' in page
    assert 'action="/accounts/data/delete/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_privacy_notice_says_what_is_kept_and_why(client):
    page = client.get("/privacy/").content.decode()

    for kept in ["Your account", "Your devices", "Your reading for the meter", "Your subscriptions", "Invoices",
                 "Newsletter choices"]:
        assert kept in page
    assert "Kept for 8 years" in page and "GST" in page
