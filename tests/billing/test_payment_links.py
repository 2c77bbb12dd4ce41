"""A checkout link pays once, for the reader who started it, while its payment is pending;
a declined checkout never counts as a failed renewal (sandbox, Razorpay and Stripe)."""

from __future__ import annotations

import hashlib
import hmac

from django.test import Client

from masthead.billing import actions
from masthead.billing.gateways.base import Payment
from masthead.billing.gateways.sandbox import DECLINED, SUCCEEDS
from masthead.billing.models import LedgerEntry, Subscription
from masthead.billing.views import SESSION_CHECKOUTS
from masthead.core import clock


def start_link(client, user):
    """A reader starts a checkout in their own browser; the sandbox link it leads to."""
    client.force_login(user)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    assert start.status_code == 302 and start["Location"].startswith("/sandbox/checkout/")
    return start["Location"]


def test_an_anonymous_visitor_cannot_use_a_readers_payment_link(client, reader, plans):
    link = start_link(Client(), reader)
    assert client.get(link).status_code == 403
    refused = client.post(link, {"card_number": DECLINED})
    assert refused.status_code == 403
    assert "belongs to another reader" in refused.content.decode()
    assert LedgerEntry.objects.count() == 0
    assert Subscription.objects.get(user=reader).state == "pending"


def test_another_signed_in_reader_cannot_use_it_either(client, reader, make_user, plans, sandbox_store):
    link = start_link(Client(), reader)
    client.force_login(make_user("someone-else"))
    assert client.post(link, {"card_number": SUCCEEDS}).status_code == 403
    assert sandbox_store.charges() == []


def test_the_browser_session_that_started_it_may_use_it(client, reader, plans):
    pending, start = actions.start_checkout(reader, plans["smart-essential"], return_url="http://testserver/r/",
                                            cancel_url="http://testserver/c/")
    assert client.get(start.redirect_url).status_code == 403
    session = client.session
    session[SESSION_CHECKOUTS] = [pending.reference]
    session.save()
    assert client.get(start.redirect_url).status_code == 200


def test_a_paid_link_cannot_be_used_again_by_anyone(client, reader, plans, sandbox_store,
                                                   django_capture_on_commit_callbacks):
    link = start_link(client, reader)
    paid = client.post(link, {"card_number": SUCCEEDS})
    with django_capture_on_commit_callbacks(execute=True):
        client.get(paid["Location"])
    sub = Subscription.objects.get(user=reader)
    assert sub.state == "active"
    for card in (DECLINED, SUCCEEDS):
        again = client.post(link, {"card_number": card})
        assert again.status_code == 410
        assert "already been paid or declined" in again.content.decode()
    assert client.get(link).status_code == 410
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts) == ("active", 0)
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["charge"]
    assert len(sandbox_store.charges()) == 1


def test_a_declined_link_cannot_be_paid_with_another_card(client, reader, plans, sandbox_store):
    link = start_link(client, reader)
    assert client.post(link, {"card_number": DECLINED}).status_code == 302
    assert client.post(link, {"card_number": SUCCEEDS}).status_code == 410
    assert [row[3] for row in sandbox_store.charges()] == [0]


def test_a_link_whose_subscription_is_paid_through_the_webhook_is_closed(client, reader, plans, sandbox):
    link = start_link(client, reader)
    sub = Subscription.objects.get(user=reader)
    actions.confirm_payment("sandbox", Payment(sub.reference, True, "pay_elsewhere", 270000, "INR", at_checkout=True))
    assert client.post(link, {"card_number": DECLINED}).status_code == 410


def test_a_declined_checkout_payment_never_counts_as_a_failed_renewal(subscriber):
    sub = Subscription.objects.get(user=subscriber)
    declined = Payment(sub.reference, False, "pay_sbx_declined", 270000, "INR",
                       failure_reason="Your card was declined. No money was taken.", at_checkout=True)
    actions.confirm_payment("sandbox", declined)
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts, sub.grace_until) == ("active", 0, None)
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["charge"]


def test_a_signed_sandbox_webhook_declining_an_old_checkout_leaves_the_subscriber_alone(
        client, subscriber, sandbox, django_capture_on_commit_callbacks):
    sub = Subscription.objects.get(user=subscriber)
    declined = Payment(sub.reference, False, "pay_sbx_late", 270000, "INR", gateway_ref=sub.gateway_ref,
                       failure_reason="Your card was declined. No money was taken.", at_checkout=True)
    sandbox.send_webhook(sandbox._event_body(declined, clock.now()))
    _, body, signature = sandbox.store.webhooks()[-1]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/billing/webhooks/sandbox/", body, content_type="application/json",
                           headers={"X-Sandbox-Signature": signature}).status_code == 200
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts) == ("active", 0)


def _razorpay_subscriber(client, reader, razorpay_fake, settings, capture):
    import requests

    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with capture(execute=True):
        client.get(hosted.headers["Location"].replace("http://testserver", ""))
    return Subscription.objects.get(user=reader)


def test_a_signed_razorpay_return_for_a_failed_payment_leaves_an_active_subscription_alone(
        client, reader, plans, razorpay_fake, settings, django_capture_on_commit_callbacks):
    from tests.billing.fakes.razorpay_fake import KEY_SECRET

    sub = _razorpay_subscriber(client, reader, razorpay_fake, settings, django_capture_on_commit_callbacks)
    assert sub.state == "active"
    failed = {**next(iter(razorpay_fake.payments.values())), "id": "pay_failed0001", "status": "failed",
              "error_description": "Payment declined by the bank"}
    razorpay_fake.payments[failed["id"]] = failed
    signature = hmac.new(KEY_SECRET.encode(), f"pay_failed0001|{sub.gateway_ref}".encode(), hashlib.sha256).hexdigest()
    back = client.get("/checkout/return/razorpay/", {"razorpay_payment_id": "pay_failed0001",
                                                     "razorpay_subscription_id": sub.gateway_ref,
                                                     "razorpay_signature": signature}, follow=True)
    assert "That checkout is already closed; nothing has changed." in back.content.decode()
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts) == ("active", 0)
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["charge"]


def test_a_stripe_return_for_an_unfinished_session_leaves_an_active_subscription_alone(
        client, reader, plans, stripe_fake, settings, django_capture_on_commit_callbacks):
    import requests

    settings.MASTHEAD_BILLING_GATEWAY = "stripe"
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(hosted.headers["Location"].replace("http://testserver", ""))
    sub = Subscription.objects.get(user=reader)
    assert sub.state == "active"
    session_id = next(iter(stripe_fake.sessions))
    stripe_fake.sessions[session_id].update(status="open", payment_status="unpaid")
    client.get("/checkout/return/stripe/", {"session_id": session_id})
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts) == ("active", 0)
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["charge"]


def test_a_stripe_first_invoice_that_fails_is_the_checkouts_not_a_renewal(settings):
    import json
    import time

    from masthead.billing.gateways.stripe import StripeGateway
    from tests.billing.fakes.base import FIXTURES

    settings.MASTHEAD_STRIPE_WEBHOOK_SECRET = "whsec_recorded"
    recorded = json.loads((FIXTURES / "stripe" / "invoice.payment_failed.json").read_bytes())

    def parse(reason):
        recorded["data"]["object"]["billing_reason"] = reason
        body = json.dumps(recorded).encode()
        stamp = int(time.time())
        mac = hmac.new(b"whsec_recorded", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        [event] = StripeGateway().verify_and_parse_webhook(body, {"Stripe-Signature": f"t={stamp},v1={mac}"})
        return event.at_checkout

    assert (parse("subscription_create"), parse("subscription_cycle")) == (True, False)
