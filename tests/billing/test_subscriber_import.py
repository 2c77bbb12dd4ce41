"""Importing subscribers from another system: per-row errors, reruns that double nothing, a
dry run that writes nothing, renewals that go on where they were (never charged twice), and
an export that imports back unchanged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from masthead.access.entitlements import for_reader
from masthead.billing.models import LedgerEntry, Subscription
from masthead.billing.renewals import renew_due
from masthead.billing.subscriber_import import ImportFileError, export_subscribers, import_subscribers
from masthead.core import clock
from tests.instants import ORDINARY_DAY

HEADER = "email,name,plan,paid_through,provider,customer_id,subscription_id,state,source\n"
GOOD = (
    "meera@example.in,Meera Nair,smart-essential,2026-09-30,sandbox,tok_sbx_4242_import1,,active,Piano\n"
    "ravi@example.in,Ravi Kumar,smart-quarterly,2026-07-31T18:30:00+00:00,razorpay,cust_R1,sub_RzpImported1,,Piano\n"
    "sara@example.in,Sara Khan,super-saver,2027-01-15,stripe,cus_S1,sub_StripeImported1,cancelled,Piano\n"
)
BAD = (
    "not-an-email,X,smart-essential,2026-09-30,sandbox,tok_sbx_4242_a,,,\n"
    "nobody@example.in,X,gold-plan,2026-09-30,sandbox,tok_sbx_4242_b,,,\n"
    "late@example.in,X,smart-essential,2026-01-01,sandbox,tok_sbx_4242_c,,,\n"
    "nosub@example.in,X,smart-essential,2026-09-30,stripe,cus_X,,,\n"
    "when@example.in,X,smart-essential,30/09/2026,sandbox,tok_sbx_4242_d,,,\n"
    "naive@example.in,X,smart-essential,2026-09-30T10:00:00,sandbox,tok_sbx_4242_e,,,\n"
    "who@example.in,X,smart-essential,2026-09-30,paypal,x,,,\n"
    ",X,smart-essential,2026-09-30,sandbox,tok,,,\n"
    "meera@example.in,Meera Again,smart-quarterly,2026-09-30,razorpay,c,sub_RzpOther,,\n"
)


@pytest.fixture(autouse=True)
def _ordinary_day():
    with clock.travel(ORDINARY_DAY, frozen=True):
        yield


def test_good_rows_go_in_and_bad_rows_are_reported_with_their_line_and_reason(plans):
    report = import_subscribers(HEADER + GOOD + BAD)
    assert (report.rows, report.created, report.skipped, report.new_accounts) == (12, 3, 0, 3)
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "'not-an-email' is not an e-mail address"),
        (6, "no plan 'gold-plan' (plans: smart-essential, smart-quarterly, super-saver)"),
        (7, "paid_through is in the past: import only subscribers who are paid up"),
        (8, "stripe renews subscriptions itself: its subscription_id is needed"),
        (9, "paid_through '30/09/2026' is not a date like 2027-03-31"),
        (10, "paid_through '2026-09-30T10:00:00' has a time but no time zone (add +05:30 or Z)"),
        (11, "no provider 'paypal' (known: sandbox, razorpay, stripe)"),
        (12, "email is empty"),
        (13, "this reader already has a subscription"),
    ]
    meera = Subscription.objects.get(user__email="meera@example.in")
    # 30 September in Kolkata begins at 18:30 UTC on the 29th.
    assert meera.current_period_end == dt.datetime(2026, 9, 29, 18, 30, tzinfo=dt.timezone.utc)
    assert (meera.state, meera.gateway, meera.payment_method, meera.imported_from) == (
        "active", "sandbox", "tok_sbx_4242_import1", "Piano")
    assert meera.user.get_full_name() == "Meera Nair" and not meera.user.has_usable_password()
    sara = Subscription.objects.get(user__email="sara@example.in")
    assert (sara.state, sara.access_until) == ("cancelled", sara.current_period_end)
    assert for_reader(meera.user) != frozenset()
    assert LedgerEntry.objects.count() == 0  # nothing was charged, nothing invented


def test_a_rerun_imports_nothing_twice(plans):
    import_subscribers(HEADER + GOOD)
    again = import_subscribers(HEADER + GOOD)
    assert (again.created, again.skipped, again.errors) == (0, 3, [])
    assert Subscription.objects.count() == 3 and get_user_model().objects.count() == 3


def test_a_dry_run_checks_everything_and_writes_nothing(plans):
    report = import_subscribers(HEADER + GOOD + BAD, dry_run=True)
    assert (report.created, len(report.errors)) == (3, 9)
    assert Subscription.objects.count() == 0 and get_user_model().objects.count() == 0


def test_an_existing_account_gets_the_imported_subscription(plans, reader):
    reader.email = "meera@example.in"
    reader.save()
    report = import_subscribers(HEADER + GOOD)
    assert report.new_accounts == 2
    assert Subscription.objects.get(gateway="sandbox").user == reader


def test_a_file_that_cannot_be_read_is_refused_whole(plans):
    with pytest.raises(ImportFileError, match="has no paid_through, provider column"):
        import_subscribers("email,name,plan\nx@example.in,X,smart-essential\n")
    with pytest.raises(ImportFileError, match="not JSON"):
        import_subscribers("{oops", "json")
    with pytest.raises(ImportFileError, match="is a list of subscribers"):
        import_subscribers('{"rows": 1}', "json")


def test_json_in_the_same_columns(plans):
    items = [{"email": "j@example.in", "name": "J", "plan": "smart-essential", "paid_through": "2026-09-30",
              "provider": "sandbox", "customer_id": "tok_sbx_4242_j"}, "not an object"]
    report = import_subscribers(json.dumps({"subscribers": items}), "json")
    assert report.created == 1 and [(e.line, e.reason) for e in report.errors] == [(2, "not an object")]


def test_an_imported_sandbox_subscription_renews_once_after_its_notice(plans, sandbox_store,
                                                                    django_capture_on_commit_callbacks):
    import_subscribers(HEADER + GOOD)
    meera = Subscription.objects.get(user__email="meera@example.in")
    end = meera.current_period_end
    for at in (end - dt.timedelta(hours=30), end, end, end + dt.timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            renew_due(now=at)
    meera.refresh_from_db()
    assert (meera.state, meera.current_period_start) == ("active", end)
    assert list(LedgerEntry.objects.values_list("subscription__user__email", "amount")) == [("meera@example.in", 270000)]
    assert len(sandbox_store.charges(meera.reference)) == 1
    # Razorpay and Stripe renew on their side: Masthead charged neither.
    assert LedgerEntry.objects.filter(gateway__in=["razorpay", "stripe"]).count() == 0


def test_a_providers_renewal_webhook_finds_the_imported_subscription(plans):
    from masthead.billing import actions
    from masthead.billing.gateways.base import EventKind, GatewayEvent

    import_subscribers(HEADER + GOOD)
    ravi = Subscription.objects.get(gateway_ref="sub_RzpImported1")
    end = ravi.current_period_end
    event = GatewayEvent(event_id="evt_1", kind=EventKind.PAYMENT_SUCCEEDED, gateway_ref="sub_RzpImported1",
                         payment_ref="pay_R2", amount=90000, currency="INR", period_start=end,
                         period_end=end + dt.timedelta(days=92))
    actions.apply_gateway_event("razorpay", event)
    actions.apply_gateway_event("razorpay", event)  # delivered twice
    ravi.refresh_from_db()
    assert ravi.current_period_start == end and LedgerEntry.objects.filter(subscription=ravi).count() == 1


def test_an_export_imports_back_unchanged(plans, subscriber):
    import_subscribers(HEADER + GOOD)
    exported = export_subscribers("csv")
    assert exported.splitlines()[0] == HEADER.strip()
    assert len(exported.splitlines()) == 5  # the header, three imported, one who subscribed here
    again = import_subscribers(exported)
    assert (again.created, again.skipped, again.errors) == (0, 4, [])
    as_json = json.loads(export_subscribers("json"))["subscribers"]
    assert {row["email"] for row in as_json} == {"meera@example.in", "ravi@example.in", "sara@example.in",
                                                 subscriber.email}


def test_the_command_shows_progress_errors_and_a_summary(plans, tmp_path, capsys):
    path = tmp_path / "subscribers.csv"
    path.write_text(HEADER + GOOD + BAD)
    call_command("subscribers", "import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "rows [##############################] 12/12" in out
    assert "line 5 (not-an-email): 'not-an-email' is not an e-mail address" in out
    assert "Dry run: 12 rows: 3 would be imported, 0 already there, 9 with errors, 3 new accounts" in out
    assert Subscription.objects.count() == 0
    call_command("subscribers", "import", str(path))
    assert Subscription.objects.count() == 3
    call_command("subscribers", "export", str(tmp_path / "out.json"))
    assert len(json.loads((tmp_path / "out.json").read_text())["subscribers"]) == 3
