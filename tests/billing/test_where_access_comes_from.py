"""Readers are told where their access comes from, and warned before paying for it again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masthead.access.entitlements import holdings
from masthead.accounts.models import ComplimentaryGrant
from masthead.billing.models import Subscription
from masthead.core import clock
from tests.accounts.factories import OrganisationFactory, ReaderFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(plans):
    OrganisationFactory(name="IIT Bombay", email_domains="iitb.ac.in")
    user = ReaderFactory(email="asha@iitb.ac.in")
    client = Client()
    client.force_login(user)
    return user, client


def test_group_access_is_named_on_the_subscription_and_account_pages(student):
    user, client = student

    subscription_page = client.get("/accounts/subscription/").content.decode()
    account_page = client.get("/accounts/").content.decode()

    for page in (subscription_page, account_page):
        assert "Group access from IIT Bombay" in page
        assert "Premium stories, Partner publication access" in page
    assert "You do not need a subscription for these." in subscription_page


def test_a_complimentary_grant_is_named_with_its_end(plans, reader):
    clock.freeze(ORDINARY_DAY)  # the grant runs until 31 March 2027: read it well before then
    ends = dt.datetime(2027, 3, 31, 12, tzinfo=dt.timezone.utc)
    ComplimentaryGrant.objects.create(user=reader, reason="press", all_benefits=False, benefits=["ad_free"],
                                      starts_at=clock.now() - dt.timedelta(days=1), ends_at=ends)
    client = Client()
    client.force_login(reader)

    page = client.get("/accounts/subscription/").content.decode()

    assert "Press access given to you by The Daily Masthead</strong> (until 31 March 2027): Ad-free reading" in page


def test_an_active_subscription_is_named_on_the_account_page(subscriber):
    client = Client()
    client.force_login(subscriber)

    page = client.get("/accounts/").content.decode()

    assert "Your Smart Essential subscription" in page
    assert [h.kind for h in holdings(subscriber)] == ["subscription"]


def test_checkout_warns_a_group_member_and_takes_no_payment_without_the_box_ticked(student):
    user, client = student

    shown = client.get("/checkout/?plan=smart-quarterly").content.decode()
    refused = client.post("/checkout/", {"plan": "smart-quarterly"})

    assert "You already have some of this" in shown
    assert "Group access from IIT Bombay" in shown
    assert 'name="already_have"' in shown
    assert refused.status_code == 400
    assert "Tick the box below if you still want to pay." in refused.content.decode()
    assert Subscription.objects.filter(user=user).count() == 0


@pytest.mark.parametrize("answer", ["", "on", "no", "YES", "yes " * 40])
def test_only_the_ticked_box_counts_as_going_on(student, answer):
    user, client = student

    response = client.post("/checkout/", {"plan": "smart-quarterly", "already_have": answer})

    assert response.status_code == 400
    assert Subscription.objects.filter(user=user).count() == 0


def test_a_group_member_who_ticks_the_box_goes_on_to_pay(student):
    user, client = student

    response = client.post("/checkout/", {"plan": "smart-quarterly", "already_have": "yes"})

    assert response.status_code == 302
    assert Subscription.objects.filter(user=user, state="pending").count() == 1


def test_a_reader_without_other_access_is_not_warned(plans, reader):
    client = Client()
    client.force_login(reader)

    page = client.get("/checkout/?plan=smart-quarterly").content.decode()

    assert "You already have some of this" not in page
    assert 'name="already_have"' not in page


def test_an_active_subscriber_cannot_check_out_again(subscriber):
    client = Client()
    client.force_login(subscriber)

    response = client.post("/checkout/", {"plan": "super-saver", "already_have": "yes"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/subscription/"
    assert Subscription.objects.filter(user=subscriber).count() == 1
