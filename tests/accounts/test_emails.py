"""Every e-mail the accounts side sends (allauth's and ours) is from the publication and names it well."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from masthead.content.models import Publication
from tests.accounts.conftest import log_in
from tests.accounts.factories import PASSWORD, ReaderFactory

pytestmark = pytest.mark.django_db

SENDER = "The Partner Review <news@partner-review.example>"


@pytest.fixture(autouse=True)
def publication(settings):
    settings.DEFAULT_FROM_EMAIL = "news@partner-review.example"
    return Publication.objects.create(name="The Partner Review", contact_email="desk@partner-review.example")


def assert_from_the_publication(message):
    assert message.from_email == SENDER, message.subject
    assert message.reply_to == ["desk@partner-review.example"], message.subject
    assert "The Partner Review" in message.subject + message.body, message.subject
    assert "Your The" not in message.subject + message.body, message.subject
    assert "Masthead" not in message.from_email and "localhost" not in message.from_email


def test_sign_up_confirmation_and_already_registered(client):
    ReaderFactory(email="hamlet@example.com")
    client.post("/accounts/signup/", {"email": "ophelia@example.com", "password1": PASSWORD, "password2": PASSWORD})
    Client().post("/accounts/signup/", {"email": "hamlet@example.com", "password1": PASSWORD, "password2": PASSWORD})

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_from_the_publication(message)


def test_login_code_password_reset_and_unknown_address():
    ReaderFactory(email="hamlet@example.com")
    Client().post("/accounts/login/code/", {"email": "hamlet@example.com"})
    Client().post("/accounts/password/reset/", {"email": "hamlet@example.com"})
    Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert_from_the_publication(message)


def test_deletion_code_and_account_deleted(client):
    reader = ReaderFactory(email="hamlet@example.com")
    log_in(client, reader.email)
    client.post("/accounts/data/delete/code/")
    client.post("/accounts/data/delete/", {"password": PASSWORD, "confirm": "yes"})

    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "Your code to delete your account with The Partner Review",
        "Your account with The Partner Review has been deleted",
    ]
    for message in mail.outbox:
        assert_from_the_publication(message)


def test_a_name_with_punctuation_or_beyond_ascii_makes_a_valid_sender(settings):
    from email.utils import parseaddr

    from masthead.content.publication import sender

    Publication.objects.update(name="Smith, Jones & Co. Times")
    Publication.objects.first().save()
    assert sender() == '"Smith, Jones & Co. Times" <news@partner-review.example>'
    assert parseaddr(sender()) == ("Smith, Jones & Co. Times", "news@partner-review.example")

    Publication.objects.update(name="दैनिक समाचार")
    Publication.objects.first().save()
    assert parseaddr(sender())[1] == "news@partner-review.example"


def test_the_configured_address_may_carry_a_name_of_its_own(settings):
    from masthead.content.publication import sender

    settings.DEFAULT_FROM_EMAIL = "Old Name <desk@partner-review.example>"
    assert sender() == "The Partner Review <desk@partner-review.example>"


def test_no_reply_to_without_a_contact_address():
    Publication.objects.update(contact_email="")
    Publication.objects.first().save()
    ReaderFactory(email="hamlet@example.com")
    Client().post("/accounts/login/code/", {"email": "hamlet@example.com"})

    [message] = mail.outbox
    assert message.from_email == SENDER and message.reply_to == []
