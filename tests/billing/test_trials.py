"""Trials: access now, nothing charged until the trial ends, the pre-debit notice first,
and a cancel during the trial ends access when the trial does, without a charge."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.access.entitlements import for_reader
from masthead.billing import actions
from masthead.billing.models import Invoice, LedgerEntry, Offer
from masthead.billing.renewals import renew_due
from masthead.core import clock
from tests.instants import FINANCIAL_YEAR_END, ORDINARY_DAY


def renew_at(at, capture):
    with capture(execute=True):
        return renew_due(now=at)


@pytest.fixture
def free_trial(plans):
    offer = Offer.objects.create(code="TRY14", name="Two weeks free", kind="none", trial_days=14,
                                 new_subscribers_only=True)
    return offer


@pytest.mark.parametrize("started", [ORDINARY_DAY, FINANCIAL_YEAR_END])
def test_a_free_trial_gives_access_and_charges_nothing_until_it_ends(reader, plans, free_trial, buy_with,
                                                                     django_capture_on_commit_callbacks,
                                                                     sandbox_store, mailoutbox, started):
    with clock.travel(started, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], free_trial)
    trial_end = started + dt.timedelta(days=14)
    assert (sub.state, sub.current_period_start, sub.current_period_end) == ("trialing", started, trial_end)
    assert for_reader(reader, now=started + dt.timedelta(days=13)) != frozenset()
    assert LedgerEntry.objects.count() == 0 and Invoice.objects.count() == 0
    assert [m.subject for m in mailoutbox] == ["Your Smart Quarterly free trial has started"]
    assert sub.payment_method.startswith("tok_sbx_4242_")  # the card is kept for the first charge
    # The pre-debit notice comes first; the charge waits at least 24 hours after it.
    assert renew_at(trial_end - dt.timedelta(hours=49), django_capture_on_commit_callbacks).notices == 0
    report = renew_at(trial_end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    assert (report.notices, report.renewed) == (1, 0)
    assert "Amount to be charged: ₹900 for 3 months" in mailoutbox[-1].body
    assert renew_at(trial_end, django_capture_on_commit_callbacks).renewed == 1
    sub.refresh_from_db()
    assert (sub.state, sub.current_period_start) == ("active", trial_end)
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 90000)]
    assert [row[2] for row in sandbox_store.charges()] == [0, 90000]  # the card check, then the first charge


def test_a_cancel_during_the_trial_ends_access_at_its_end_without_a_charge(reader, plans, free_trial, buy_with,
                                                                           django_capture_on_commit_callbacks):
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], free_trial)
    trial_end = sub.current_period_end
    with clock.travel(ORDINARY_DAY + dt.timedelta(days=3), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            sub = actions.cancel_subscription(sub)
    assert (sub.state, sub.access_until) == ("cancelled", trial_end)
    assert for_reader(reader, now=trial_end - dt.timedelta(seconds=1)) != frozenset()
    assert for_reader(reader, now=trial_end) == frozenset()
    report = renew_at(trial_end + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert (report.notices, report.renewed, report.ended) == (0, 0, 1)
    sub.refresh_from_db()
    assert sub.state == "expired" and LedgerEntry.objects.count() == 0


def test_a_paid_trial_charges_its_price_then_the_plan_at_its_end(reader, plans, buy_with,
                                                                django_capture_on_commit_callbacks):
    offer = Offer.objects.create(code="RUPEE7", name="A week for ₹1", kind="none", trial_days=7, trial_price=100)
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], offer)
    assert (sub.state, sub.current_period_end) == ("active", ORDINARY_DAY + dt.timedelta(days=7))
    [trial] = LedgerEntry.objects.all()
    assert (trial.amount, trial.list_price, trial.discount) == (100, None, 0)
    end = sub.current_period_end
    renew_at(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    renew_at(end, django_capture_on_commit_callbacks)
    assert list(LedgerEntry.objects.order_by("created_at", "pk").values_list("amount", flat=True)) == [100, 90000]


def test_a_trial_is_not_given_twice(reader, plans, free_trial, buy_with):
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], free_trial)
        actions.cancel_subscription(sub)
    with clock.travel(ORDINARY_DAY + dt.timedelta(days=30), frozen=True):
        renew_due()
        with pytest.raises(actions.BillingError, match="for new subscribers"):
            actions.start_checkout(reader, plans["smart-quarterly"], return_url="http://testserver/r/",
                                   cancel_url="http://testserver/c/", offer=free_trial)
