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
