"""Win-back at the door: the cancel page offers a chosen retention offer, once."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.billing.models import LedgerEntry, Offer, Subscription
from masthead.billing.renewals import renew_due


@pytest.fixture
def stay25(plans):
    return Offer.objects.create(code="STAY25", name="25% off to stay", purpose="retention", kind="percent",
                                percent_off=25, periods=2, new_subscribers_only=False)


def test_the_cancel_page_offers_the_retention_offer_once(client, subscriber, stay25):
    client.force_login(subscriber)
    page = client.get("/accounts/subscription/cancel/").content.decode()
    assert "Before you go: 25% off to stay" in page
    assert "₹2,025 for the first 2 years, then ₹2,700 every year" in page
    again = client.get("/accounts/subscription/cancel/").content.decode()
    assert "Before you go" not in again and "Yes, cancel my subscription" in again


def test_staying_with_the_offer_discounts_the_next_renewals(client, subscriber, stay25,
                                                            django_capture_on_commit_callbacks):
    client.force_login(subscriber)
    client.get("/accounts/subscription/cancel/")
    response = client.post("/accounts/subscription/cancel/", {"stay_with_offer": "STAY25"}, follow=True)
    assert "Thank you for staying." in response.content.decode()
    sub = Subscription.objects.get(user=subscriber)
    assert (sub.state, sub.offer, sub.discounted_charges) == ("active", stay25, 0)
    for _ in range(3):
        end = sub.current_period_end
        with django_capture_on_commit_callbacks(execute=True):
            renew_due(now=end - dt.timedelta(hours=30))
        with django_capture_on_commit_callbacks(execute=True):
            renew_due(now=end)
        sub.refresh_from_db()
    amounts = list(LedgerEntry.objects.filter(kind="charge").order_by("period_start").values_list("amount", flat=True))
    assert amounts == [270000, 202500, 202500, 270000]
    stay25.refresh_from_db()
    assert stay25.redemptions == 1


def test_an_offer_that_is_not_a_retention_offer_cannot_be_taken_at_the_door(client, subscriber, make_offer):
    make_offer("HALF", new_subscribers_only=False)
    client.force_login(subscriber)
    response = client.post("/accounts/subscription/cancel/", {"stay_with_offer": "HALF"}, follow=True)
    assert "That offer is not available for your subscription." in response.content.decode()
    assert Subscription.objects.get(user=subscriber).offer is None
