"""The webhook inbox: stored raw, verified, deduplicated, processed in a task, replay-safe."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from masthead.billing import actions, webhooks
from masthead.billing.gateways.sandbox import DECLINED, SUCCEEDS, sign
from masthead.billing.models import LedgerEntry, Subscription, WebhookEvent
from masthead.core import clock

URL = "/billing/webhooks/sandbox/"


@pytest.fixture
def paid_checkout(reader, essential, sandbox):
    """A reader paid at the sandbox; the webhook is waiting in the sandbox's outbox."""
    def pay(card=SUCCEEDS):
        sub, start = actions.start_checkout(reader, essential, return_url="http://testserver/r/",
                                            cancel_url="http://testserver/c/", gateway=sandbox)
        sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), card)
        _, body, signature = sandbox.store.webhooks()[-1]
        return sub, body, signature
    return pay


def post(client, body, signature, capture):
    with capture(execute=True):
        return client.post(URL, body, content_type="application/json", headers={"X-Sandbox-Signature": signature})


def test_a_signed_webhook_is_stored_raw_then_processed(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()
    response = post(client, body, signature, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.json() == {"received": True}
    row = WebhookEvent.objects.get()
    assert bytes(row.body) == body
    assert row.headers["x-sandbox-signature"] == signature
    assert (row.status, row.event_type, row.attempts) == ("succeeded", "payment.succeeded", 1)
    assert row.event_id == json.loads(body)["id"]
    sub.refresh_from_db()
    assert sub.state == "active"


def test_a_forged_webhook_gets_400_and_changes_nothing(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()
    forged = body.replace(b'"amount":270000', b'"amount":100')
    response = post(client, forged, signature, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert WebhookEvent.objects.get().status == "rejected"
    sub.refresh_from_db()
    assert sub.state == "pending" and LedgerEntry.objects.count() == 0


def test_a_webhook_signed_with_another_secret_gets_400(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, _ = paid_checkout()
    wrong = sign(body, int(clock.now().timestamp()), "not-the-secret")
    assert post(client, body, wrong, django_capture_on_commit_callbacks).status_code == 400
    assert Subscription.objects.get(pk=sub.pk).state == "pending"


def test_a_stale_signature_is_refused_as_a_replay(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()
    with clock.travel(dt.timedelta(minutes=6)):
        response = post(client, body, signature, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "too old" in WebhookEvent.objects.get().error
    assert Subscription.objects.get(pk=sub.pk).state == "pending"


def test_the_same_event_delivered_three_times_is_processed_once(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()
    answers = [post(client, body, signature, django_capture_on_commit_callbacks).json() for _ in range(3)]
    assert answers == [{"received": True}, {"received": True, "duplicate": True}, {"received": True, "duplicate": True}]
    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == ["duplicate", "duplicate", "succeeded"]
    assert LedgerEntry.objects.filter(kind="charge").count() == 1
    assert Subscription.objects.get(pk=sub.pk).version == 1


def test_replaying_a_processed_event_changes_nothing(client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()
    post(client, body, signature, django_capture_on_commit_callbacks)
    before = Subscription.objects.get(pk=sub.pk)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.replay(WebhookEvent.objects.get().pk)
    after = Subscription.objects.get(pk=sub.pk)
    assert (after.state, after.current_period_end, after.version) == (before.state, before.current_period_end, before.version)
    assert LedgerEntry.objects.count() == 1


def test_a_failed_payment_webhook_records_the_failure_and_keeps_the_checkout_pending(
        client, paid_checkout, django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout(card=DECLINED)
    post(client, body, signature, django_capture_on_commit_callbacks)
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("failure", 270000)]
    assert Subscription.objects.get(pk=sub.pk).state == "pending"


def test_processing_that_fails_is_recorded_with_its_error(client, paid_checkout, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    sub, body, signature = paid_checkout()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "apply_gateway_event", broken)
    # The endpoint still answers 200: the event is safely stored and Huey retries the task.
    assert post(client, body, signature, django_capture_on_commit_callbacks).status_code == 200
    row = WebhookEvent.objects.get()
    assert row.status == "failed" and "database went away" in row.error
    failed_attempts = row.attempts
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.replay(row.pk)
    row.refresh_from_db()
    assert row.status == "succeeded" and row.attempts == failed_attempts + 1
    assert Subscription.objects.get(pk=sub.pk).state == "active"


def test_an_unknown_gateway_is_404(client, db):
    assert client.post("/billing/webhooks/paypal/", b"{}", content_type="application/json").status_code == 404


def _database_bytes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM billing_webhookevent")
        return cursor.fetchone()[0]


def test_unsigned_bodies_are_refused_and_never_stored(client, db, django_capture_on_commit_callbacks):
    junk = b'{"pad":"' + b"x" * 15_000 + b'"}'
    for _ in range(3):
        response = post(client, junk, "t=1,v1=00", django_capture_on_commit_callbacks)
        assert response.status_code == 400
    rows = list(WebhookEvent.objects.values_list("status", "event_id", "error"))
    assert rows == [("rejected", None, "The signature is too old (possible replay).")] * 3
    assert _database_bytes() == 0


def test_a_forged_body_is_refused_without_its_body(client, paid_checkout, django_capture_on_commit_callbacks):
    _, body, signature = paid_checkout()
    post(client, body.replace(b"270000", b"100"), signature, django_capture_on_commit_callbacks)
    row = WebhookEvent.objects.get()
    assert (row.status, bytes(row.body), row.error) == ("rejected", b"", "The signature does not match its body.")
    assert row.headers["x-sandbox-signature"] == signature


@pytest.mark.parametrize(("gateway", "limit"), [("sandbox", 16 * 1024), ("razorpay", 64 * 1024),
                                                ("stripe", 256 * 1024)])
def test_a_body_over_the_gateways_limit_is_413_and_not_stored(client, db, gateway, limit, request):
    if gateway != "sandbox":
        request.getfixturevalue(f"{gateway}_fake")
    at_limit = client.post(f"/billing/webhooks/{gateway}/", b"x" * limit, content_type="application/json")
    assert at_limit.status_code == 400  # read, then refused for its signature
    over = client.post(f"/billing/webhooks/{gateway}/", b"x" * (limit + 1), content_type="application/json")
    assert over.status_code == 413
    big = client.post(f"/billing/webhooks/{gateway}/", b"x" * 2_000_000, content_type="application/json")
    assert big.status_code == 413
    assert WebhookEvent.objects.count() == 1 and _database_bytes() == 0


def test_a_body_longer_than_its_content_length_claims_is_read_no_further(rf, db):
    body = b"x" * (16 * 1024 + 10)
    request = rf.post(URL, body, content_type="application/json")
    request.META["CONTENT_LENGTH"] = ""  # a chunked or lying client: read only to the limit
    assert webhooks._read_body(request, 16 * 1024) is None


def test_old_rejected_rows_are_purged_and_everything_else_is_kept(client, paid_checkout, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_REJECTED_WEBHOOK_DAYS = 7
    _, body, signature = paid_checkout()
    with clock.travel(dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.timezone.utc)):
        post(client, b"{}", "t=1,v1=00", django_capture_on_commit_callbacks)
        unreadable = b'{"id":"evt_odd","type":"payment.succeeded","created":1,"data":{}}'  # signed, but no payment
        post(client, unreadable, sign(unreadable, int(clock.now().timestamp())), django_capture_on_commit_callbacks)
    with clock.travel(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.timezone.utc)):
        post(client, b"{}", "t=1,v1=00", django_capture_on_commit_callbacks)
    post(client, body, signature, django_capture_on_commit_callbacks)
    with clock.travel(dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc)):
        assert webhooks.purge_rejected() == 1
    kept = sorted((status, bytes(raw)[:10]) for status, raw in WebhookEvent.objects.values_list("status", "body"))
    assert kept == [("rejected", b""), ("rejected", b'{"id":"evt'), ("succeeded", body[:10])]


def test_the_schedule_purges_rejected_webhooks():
    from huey.contrib.djhuey import HUEY

    from masthead import schedule

    schedule.register()
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert "masthead.billing.purge_rejected_webhooks" in names


def test_a_signature_that_is_not_hex_text_is_refused_and_its_body_not_stored(
        client, db, django_capture_on_commit_callbacks):
    forged = b'{"pad":"' + b"x" * 10_000 + b'"}'
    header = f"t={int(clock.now().timestamp())},v1=\u00e9\u00e9"

    response = post(client, forged, header, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    row = WebhookEvent.objects.get()
    assert (row.status, bytes(row.body), row.error) == ("rejected", b"", "The signature does not match its body.")
