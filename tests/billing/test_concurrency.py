"""Races on PostgreSQL with real connections: nothing is lost, nothing is doubled."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections

from masthead.billing import actions
from masthead.billing.gateways.base import Payment
from masthead.billing.models import Invoice, LedgerEntry, Subscription
from masthead.billing.periods import add_months

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*jobs):
    """Run the jobs in threads released at the same instant; re-raise the first error."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    if errors:
        raise errors[0]


@pytest.fixture
def slow_saves(monkeypatch):
    """Widen the read-modify-write window so a missing lock would lose an update."""
    real_store = actions._store

    def store(*args, **kwargs):
        time.sleep(0.3)
        return real_store(*args, **kwargs)

    monkeypatch.setattr(actions, "_store", store)


def test_a_renewal_webhook_and_the_readers_cancel_arriving_together_both_count(subscriber, slow_saves):
    assert connection.vendor == "postgresql"
    sub = Subscription.objects.get(user=subscriber)
    end = sub.current_period_end
    new_end = add_months(end, 12)
    renewal = Payment(subscription_ref=sub.reference, succeeded=True, payment_ref="pay_sbx_renewal_race",
                      amount=270000, currency="INR", period_start=end, period_end=new_end)
    together(lambda: actions.confirm_payment("sandbox", renewal),
             lambda: actions.cancel_subscription(Subscription.objects.get(pk=sub.pk)))
    sub.refresh_from_db()
    assert sub.state == "cancelled"              # the reader's cancel was not lost
    assert sub.current_period_end == new_end     # nor was the payment
    assert sub.access_until == new_end
    assert sub.version == 3
    assert LedgerEntry.objects.filter(subscription=sub, kind="charge").count() == 2


def test_the_same_payment_confirmed_by_five_deliveries_at_once_is_applied_once(subscriber):
    sub = Subscription.objects.get(user=subscriber)
    end = sub.current_period_end
    payment = Payment(subscription_ref=sub.reference, succeeded=True, payment_ref="pay_sbx_dup",
                      amount=270000, currency="INR", period_start=end, period_end=add_months(end, 12))
    together(*[lambda: actions.confirm_payment("sandbox", payment)] * 5)
    assert LedgerEntry.objects.filter(gateway_payment_ref="pay_sbx_dup").count() == 1
    assert Invoice.objects.filter(subscription=sub).count() == 2


def test_two_renewal_runs_at_once_charge_once(subscriber, sandbox_store):
    sub = Subscription.objects.get(user=subscriber)
    end = sub.current_period_end
    actions.send_renewal_notice(sub.pk, now=end - dt.timedelta(hours=30))
    results: list[str] = []
    together(*[lambda: results.append(actions.renew_subscription(sub.pk, now=end))] * 2)
    assert sorted(results) == ["renewed", "skipped"]
    assert len([row for row in sandbox_store.charges() if row[0].startswith("renewal:")]) == 1


def test_invoices_issued_at_once_get_consecutive_unique_numbers(make_user, essential, subscribe):
    subs = [subscribe(make_user(f"buyer{i}"), essential) for i in range(2)]  # invoices 1 and 2
    entries = []
    for i in range(8):
        sub = subs[i % 2]
        entries.append(LedgerEntry.objects.create(
            subscription=sub, kind="charge", amount=90000 + i, currency="INR", gateway="sandbox",
            idempotency_key=f"race:{i}", plan=sub.plan, created_at=sub.created_at))

    def issue(entry):
        from django.db import transaction

        from masthead.billing.invoices import issue_invoice

        with transaction.atomic():
            issue_invoice(LedgerEntry.objects.select_related("subscription__user", "plan").get(pk=entry.pk))

    together(*[lambda e=entry: issue(e) for entry in entries])
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 11))
    assert Invoice.objects.values("number").distinct().count() == 10
