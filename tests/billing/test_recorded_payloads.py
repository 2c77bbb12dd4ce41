"""Every recorded provider payload, signed as the provider signs it, through the real parser."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from masthead.billing.gateways.base import EventKind
from masthead.billing.gateways.razorpay import RazorpayGateway
from masthead.billing.gateways.stripe import StripeGateway
from tests.billing.fakes.base import FIXTURES

RAZORPAY = {
    "subscription.authenticated": EventKind.SUBSCRIPTION_AUTHORISED,
    "subscription.activated": EventKind.SUBSCRIPTION_AUTHORISED,
    "subscription.charged": EventKind.PAYMENT_SUCCEEDED,
    "subscription.pending": EventKind.PAYMENT_FAILED,
    "subscription.halted": EventKind.SUBSCRIPTION_ENDED,
    "subscription.cancelled": EventKind.SUBSCRIPTION_ENDED,
    "subscription.completed": EventKind.SUBSCRIPTION_ENDED,
    "refund.processed": EventKind.REFUNDED,
    "payment_link.paid": EventKind.PAYMENT_SUCCEEDED,  # a gift's one-time payment
}
STRIPE = {
    "checkout.session.completed": EventKind.SUBSCRIPTION_AUTHORISED,
    "invoice.paid": EventKind.PAYMENT_SUCCEEDED,
    "invoice.payment_failed": EventKind.PAYMENT_FAILED,
    "customer.subscription.updated": EventKind.CANCEL_SCHEDULED,
    "customer.subscription.deleted": EventKind.SUBSCRIPTION_ENDED,
    "charge.refunded": EventKind.REFUNDED,
}


def test_every_recorded_payload_has_an_expected_translation():
    assert {p.stem for p in (FIXTURES / "razorpay").glob("*.json")} == set(RAZORPAY)
    assert {p.stem for p in (FIXTURES / "stripe").glob("*.json")} == set(STRIPE)


@pytest.mark.parametrize("name", sorted(RAZORPAY))
def test_razorpay_payloads(name, settings):
    settings.MASTHEAD_RAZORPAY_WEBHOOK_SECRET = "whsec_recorded"
    body = (FIXTURES / "razorpay" / f"{name}.json").read_bytes()
    signature = hmac.new(b"whsec_recorded", body, hashlib.sha256).hexdigest()
    [event] = RazorpayGateway().verify_and_parse_webhook(
        body, {"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": f"evt_{name}"})
    assert (event.kind, event.event_id) == (RAZORPAY[name], f"evt_{name}")
    if name == "subscription.charged":
        assert (event.payment_ref, event.amount, event.currency, event.gateway_ref) == (
            "pay_DEXFWroJ6LikKT", 270000, "INR", "sub_DEX6xcJ1HSW4CR")
        assert event.payment_method_label == "UPI Autopay (reader@okhdfcbank)"
        assert (event.period_start.timestamp(), event.period_end.timestamp()) == (1570213800, 1572892200)
    if name == "payment_link.paid":
        assert (event.subscription_ref, event.gateway_ref, event.payment_ref, event.amount, event.at_checkout) == (
            "gft_0123456789abcdef0123", "plink_ERgihyaAAC0VNW", "pay_ERgiiSL0w4zDGN", 67500, True)
    elif name != "refund.processed":
        assert event.subscription_ref == "sub_0000000000"


@pytest.mark.parametrize("name", sorted(STRIPE))
def test_stripe_payloads(name, settings):
    settings.MASTHEAD_STRIPE_WEBHOOK_SECRET = "whsec_recorded"
    body = (FIXTURES / "stripe" / f"{name}.json").read_bytes()
    timestamp = int(time.time())
    mac = hmac.new(b"whsec_recorded", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    [event] = StripeGateway().verify_and_parse_webhook(body, {"Stripe-Signature": f"t={timestamp},v1={mac}"})
    assert event.kind is STRIPE[name]
    if name == "invoice.paid":
        assert (event.payment_ref, event.amount, event.currency, event.gateway_ref, event.subscription_ref) == (
            "in_1NG8", 270000, "INR", "sub_1NG8", "sub_0000000000")
        assert (event.period_start.timestamp(), event.period_end.timestamp()) == (1686089970, 1717712370)


def test_an_unknown_razorpay_event_is_kept_but_changes_nothing(settings):
    settings.MASTHEAD_RAZORPAY_WEBHOOK_SECRET = "whsec_recorded"
    body = b'{"entity":"event","event":"order.paid","payload":{},"created_at":1}'
    signature = hmac.new(b"whsec_recorded", body, hashlib.sha256).hexdigest()
    assert RazorpayGateway().verify_and_parse_webhook(body, {"X-Razorpay-Signature": signature}) == []
