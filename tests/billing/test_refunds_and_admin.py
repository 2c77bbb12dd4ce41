"""Refunds (full or partial; staff choose whether access ends) and the billing admin."""

from __future__ import annotations

import pytest
from django.core import mail

from masthead.access.entitlements import for_reader
from masthead.access.benefits import from_codes
from masthead.billing.demo import BENEFITS as PLAN_CODES
from masthead.billing import actions
from masthead.billing.models import LedgerEntry, Subscription

PLAN_BENEFITS = from_codes(PLAN_CODES)  # what each reference plan opens


@pytest.fixture
def staff(make_user):
    return make_user("staffer", is_staff=True, is_superuser=True)


def charge_of(user):
    return LedgerEntry.objects.get(subscription__user=user, kind="charge")


def test_a_partial_refund_that_keeps_access(subscriber, sandbox_store, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund = actions.refund(charge_of(subscriber), amount=100000, end_access=False)
    assert (refund.kind, refund.amount, refund.currency) == ("refund", 100000, "INR")
    assert Subscription.objects.get(user=subscriber).state == "active"
    assert for_reader(subscriber) == PLAN_BENEFITS
    assert "We have refunded ₹1,000" in mail.outbox[0].body
    assert "Your access continues as before." in mail.outbox[0].body


def test_a_full_refund_that_ends_access(subscriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund(charge_of(subscriber), end_access=True)
    sub = Subscription.objects.get(user=subscriber)
    assert (sub.state, sub.access_until) == ("refunded", None)
    assert for_reader(subscriber) == frozenset()
    assert LedgerEntry.objects.filter(kind="refund").get().amount == 270000


def test_a_refund_can_never_exceed_what_was_paid(subscriber):
    actions.refund(charge_of(subscriber), amount=200000, end_access=False)
    with pytest.raises(actions.BillingError, match="between ₹0.01 and ₹700"):
        actions.refund(charge_of(subscriber), amount=80000, end_access=False)
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_the_ledger_is_append_only(subscriber):
    entry = charge_of(subscriber)
    entry.amount = 1
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_the_plans_admin_lists_plans_as_the_offer_shows_them(client, staff, plans):
    client.force_login(staff)
    html = client.get("/admin/billing/plan/").content.decode()
    for text in ("Smart Quarterly", "₹900", "3 months", "₹300/Month", "Super Saver", "₹162/Month"):
        assert text in html, text


def test_staff_refund_from_the_admin_and_choose_to_end_access(client, staff, subscriber, django_capture_on_commit_callbacks):
    client.force_login(staff)
    sub = Subscription.objects.get(user=subscriber)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/billing/subscription/", {
            "action": "refund_end_access", "_selected_action": [sub.pk]}, follow=True)
    assert "Refunded 1 payment(s)." in response.content.decode()
    assert Subscription.objects.get(pk=sub.pk).state == "refunded"


def test_the_subscription_admin_shows_the_ledger_and_webhooks_are_read_only(client, staff, subscriber):
    client.force_login(staff)
    sub = Subscription.objects.get(user=subscriber)
    html = client.get(f"/admin/billing/subscription/{sub.pk}/change/").content.decode()
    assert "₹2,700.00" in html and "270000" not in html
    assert client.get("/admin/billing/webhookevent/add/").status_code == 403
    assert client.get("/admin/billing/ledgerentry/add/").status_code == 403
