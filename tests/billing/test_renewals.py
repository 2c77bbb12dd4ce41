"""Auto-renewal: notice first, charge with an idempotency key, retry on schedule, then expire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from masthead.billing import actions
from masthead.billing.gateways.sandbox import DECLINES_RENEWALS, SandboxGateway
from masthead.billing.models import Invoice, LedgerEntry, Subscription
from masthead.billing.renewals import renew_due
from masthead.core import clock
from tests.instants import FINANCIAL_YEAR_END, MONTH_END_BEFORE_A_LEAP_YEAR, ORDINARY_DAY, UTC


@pytest.fixture
def due_subscription(make_user, essential, subscribe):
    def make(card="4242424242424242", name="renewer"):
        return subscribe(make_user(name), essential, card=card)
    return make


def run(at, capture):
    with capture(execute=True):
        return renew_due(now=at)


@pytest.mark.parametrize(("bought_at", "renews_at", "then_ends_at"), [
    (ORDINARY_DAY, dt.datetime(2027, 6, 15, 6, 30, tzinfo=UTC), dt.datetime(2028, 6, 15, 6, 30, tzinfo=UTC)),
    # 1 March 00:40 in Kolkata: the year is counted on the publication's calendar, so in UTC
    # the renewals fall on 29 February 2028 and then 28 February 2029.
    (MONTH_END_BEFORE_A_LEAP_YEAR, dt.datetime(2028, 2, 29, 19, 10, tzinfo=UTC),
     dt.datetime(2029, 2, 28, 19, 10, tzinfo=UTC)),
    (FINANCIAL_YEAR_END, dt.datetime(2028, 3, 31, 18, 45, tzinfo=UTC), dt.datetime(2029, 3, 31, 18, 45, tzinfo=UTC)),
])
def test_notice_goes_out_before_the_charge_and_the_charge_waits_24_hours_after_it(
        due_subscription, django_capture_on_commit_callbacks, bought_at, renews_at, then_ends_at):
    with clock.travel(bought_at, frozen=True):
        sub = due_subscription()
    end = sub.current_period_end
    assert end == renews_at
    mail.outbox.clear()
    assert run(end - dt.timedelta(hours=49), django_capture_on_commit_callbacks).notices == 0
    report = run(end - dt.timedelta(hours=47), django_capture_on_commit_callbacks)
    assert (report.notices, report.renewed) == (1, 0)
    [notice] = mail.outbox
    local_end = end.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert notice.subject == f"Your Smart Essential subscription renews on {local_end.day} {local_end:%B %Y}"
    assert "₹2,700 for 1 year (₹225/Month), including GST" in notice.body
    assert "http://127.0.0.1:8000/accounts/subscription/cancel/" in notice.body
    # A second run sends no second notice for the same period.
    assert run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks).notices == 0
    report = run(end, django_capture_on_commit_callbacks)
    assert report.renewed == 1
    sub.refresh_from_db()
    assert sub.state == "active"
    assert sub.current_period_start == end
    assert sub.current_period_end == then_ends_at
    assert LedgerEntry.objects.filter(subscription=sub, kind="charge").count() == 2
    assert Invoice.objects.filter(subscription=sub).count() == 2


def test_a_late_notice_postpones_the_charge_by_24_hours(due_subscription, django_capture_on_commit_callbacks):
    sub = due_subscription()
    end = sub.current_period_end
    report = run(end + dt.timedelta(hours=1), django_capture_on_commit_callbacks)  # the worker was down
    assert (report.notices, report.renewed) == (1, 0)
    assert run(end + dt.timedelta(hours=24), django_capture_on_commit_callbacks).renewed == 0
    assert run(end + dt.timedelta(hours=25), django_capture_on_commit_callbacks).renewed == 1


def test_failed_renewals_retry_on_days_1_3_5_with_emails_then_expire(due_subscription, django_capture_on_commit_callbacks):
    from masthead.access.entitlements import for_reader

    sub = due_subscription(card=DECLINES_RENEWALS)
    end = sub.current_period_end
    run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert run(end, django_capture_on_commit_callbacks).failed == 1
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts, sub.next_retry_at) == ("past_due", 1, end + dt.timedelta(days=1))
    assert for_reader(sub.user, now=end + dt.timedelta(days=2)) != frozenset()  # grace
    assert for_reader(sub.user, now=end + dt.timedelta(days=3, seconds=1)) == frozenset()
    assert run(end + dt.timedelta(hours=23), django_capture_on_commit_callbacks).failed == 0  # not yet
    assert run(end + dt.timedelta(days=1), django_capture_on_commit_callbacks).failed == 1
    assert run(end + dt.timedelta(days=3), django_capture_on_commit_callbacks).failed == 1
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts, sub.next_retry_at) == ("past_due", 3, end + dt.timedelta(days=5))
    assert run(end + dt.timedelta(days=5), django_capture_on_commit_callbacks).failed == 1
    sub.refresh_from_db()
    assert sub.state == "expired"
    assert [m.subject for m in mail.outbox] == ["We could not renew your Smart Essential subscription"] * 3 + [
        "Your Smart Essential subscription has ended"]
    assert LedgerEntry.objects.filter(subscription=sub, kind="failure").count() == 4
    assert LedgerEntry.objects.filter(subscription=sub, kind="charge").count() == 1


def test_a_retry_that_succeeds_makes_the_subscription_active_again(
        due_subscription, sandbox_store, django_capture_on_commit_callbacks):
    sub = due_subscription(card=DECLINES_RENEWALS)
    end = sub.current_period_end
    run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    run(end, django_capture_on_commit_callbacks)
    Subscription.objects.filter(pk=sub.pk).update(payment_method="tok_sbx_4242_new")  # the reader updated the card
    assert run(end + dt.timedelta(days=1), django_capture_on_commit_callbacks).renewed == 1
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts, sub.current_period_start) == ("active", 0, end)


def test_a_run_killed_between_charge_and_commit_charges_once_and_skips_nothing(
        due_subscription, sandbox_store, monkeypatch, django_capture_on_commit_callbacks):
    first, second = due_subscription(name="first"), due_subscription(name="second")
    end = max(first.current_period_end, second.current_period_end)
    run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    real_charge = SandboxGateway.charge_renewal

    def charge_then_die(self, charge):
        result = real_charge(self, charge)
        raise KeyboardInterrupt("killed after the gateway took the money")

    monkeypatch.setattr(SandboxGateway, "charge_renewal", charge_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(end, django_capture_on_commit_callbacks)
    assert LedgerEntry.objects.filter(kind="charge").count() == 2  # only the two checkouts
    monkeypatch.setattr(SandboxGateway, "charge_renewal", real_charge)
    report = run(end, django_capture_on_commit_callbacks)
    assert report.renewed == 2
    renewals = [row for row in sandbox_store.charges() if row[0].startswith("renewal:")]
    assert len(renewals) == 2  # the charge taken before the crash was reused, not repeated
    for sub in (first, second):
        sub.refresh_from_db()
        assert sub.state == "active"
        assert LedgerEntry.objects.filter(subscription=sub, kind="charge").count() == 2
    assert run(end, django_capture_on_commit_callbacks).renewed == 0


def test_a_plan_change_is_charged_at_the_next_renewal(due_subscription, plans, django_capture_on_commit_callbacks):
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = due_subscription()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_plan(sub, plans["super-saver"])
    end = sub.current_period_end
    run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    run(end, django_capture_on_commit_callbacks)
    sub.refresh_from_db()
    assert (sub.plan.code, sub.next_plan) == ("super-saver", None)
    renewal = LedgerEntry.objects.filter(subscription=sub, kind="charge").order_by("-created_at").first()
    assert (renewal.amount, renewal.plan.code) == (390000, "super-saver")
    assert (end, sub.current_period_end) == (dt.datetime(2027, 6, 15, 6, 30, tzinfo=UTC),
                                             dt.datetime(2029, 6, 15, 6, 30, tzinfo=UTC))


def test_a_cancelled_subscription_is_not_renewed_and_ends_with_its_period(
        due_subscription, django_capture_on_commit_callbacks):
    sub = due_subscription()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_subscription(sub)
    end = sub.current_period_end
    assert run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks).notices == 0
    report = run(end, django_capture_on_commit_callbacks)
    assert (report.renewed, report.ended) == (0, 1)
    sub.refresh_from_db()
    assert sub.state == "expired"


def test_renew_command_prints_progress_and_a_summary(due_subscription, capsys, django_capture_on_commit_callbacks):
    sub = due_subscription()
    with clock.travel(sub.current_period_end - dt.timedelta(hours=30) - clock.now()):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("renew")
    out = capsys.readouterr().out
    assert "notices    [##############################] 1/1" in out
    assert "1 notices sent, 0 renewed, 0 failed, 0 ended, 0 reconciled in" in out


def test_one_subscription_that_errors_does_not_hold_up_the_rest(
        due_subscription, monkeypatch, django_capture_on_commit_callbacks):
    broken, fine = due_subscription(name="broken"), due_subscription(name="fine")
    end = max(broken.current_period_end, fine.current_period_end)
    run(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    real = actions.renew_subscription

    def renew(sub_id, **kwargs):
        if sub_id == broken.pk:
            raise RuntimeError("a bad row")
        return real(sub_id, **kwargs)

    monkeypatch.setattr(actions, "renew_subscription", renew)
    report = run(end, django_capture_on_commit_callbacks)
    assert (report.renewed, report.errors) == (1, 1)
    assert "1 errors (see the log; retried next run)" in report.as_line()
    monkeypatch.setattr(actions, "renew_subscription", real)
    assert run(end, django_capture_on_commit_callbacks).renewed == 1
