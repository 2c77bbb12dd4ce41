"""One contract, three gateways: sandbox, Razorpay (SDK against its fake) and Stripe (SDK against its fake)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from masthead.billing.gateways.base import CheckoutRequest, EventKind, GatewayError, InvalidSignature, get_gateway
from masthead.billing.gateways.sandbox import SUCCEEDS, SandboxGateway


class SandboxHarness:
    name = "sandbox"

    def __init__(self, client, sandbox_store):
        self.client, self.store = client, sandbox_store

    def pay(self, start):
        # The page itself (bound to the reader's checkout) is tested in test_checkout and
        # test_payment_links; here the reader's card goes straight to the provider.
        gateway = SandboxGateway(self.store)
        _, return_url = gateway.pay(gateway.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
        return dict(parse_qsl(urlsplit(return_url).query))

    def payment_webhook(self):
        _, body, signature = self.store.webhooks()[-1]
        return body, {"X-Sandbox-Signature": signature}


class FakeHarness:
    def __init__(self, name, fake, kind):
        self.name, self.fake, self.kind = name, fake, kind

    def pay(self, start):
        response = requests.get(start.redirect_url, allow_redirects=False, timeout=5)
        assert response.status_code in (302, 303)
        return dict(parse_qsl(urlsplit(response.headers["Location"]).query))

    def payment_webhook(self):
        for body, headers in reversed(self.fake.webhooks):
            kind = json.loads(body).get("event") or json.loads(body).get("type")
            if kind == self.kind:
                return body, headers
        raise AssertionError("no payment webhook")


@pytest.fixture(params=["sandbox", "razorpay", "stripe"])
def harness(request, client, sandbox_store):
    if request.param == "sandbox":
        return SandboxHarness(client, sandbox_store)
    if request.param == "razorpay":
        return FakeHarness("razorpay", request.getfixturevalue("razorpay_fake"), "subscription.charged")
    return FakeHarness("stripe", request.getfixturevalue("stripe_fake"), "invoice.paid")


def checkout(gateway, reference="sub_contract0001"):
    return gateway.start_checkout(CheckoutRequest(
        subscription_ref=reference, plan_code="smart-essential", plan_name="Smart Essential", amount=270000,
        currency="INR", term_months=12, customer_email="reader@example.in",
        return_url="http://testserver/checkout/return/x/", cancel_url="http://testserver/subscribe/",
    ))


class TestGatewayContract:
    """What billing.actions relies on, whichever gateway is configured."""

    def test_checkout_sends_the_reader_somewhere_and_names_the_checkout(self, harness, db):
        start = checkout(get_gateway(harness.name))
        assert start.redirect_url and start.gateway_ref

    def test_a_signed_return_confirms_the_payment_in_minor_units(self, harness, db):
        gateway = get_gateway(harness.name)
        payment = gateway.confirm(harness.pay(checkout(gateway)))
        assert (payment.succeeded, payment.amount, payment.currency) == (True, 270000, "INR")
        assert payment.subscription_ref == "sub_contract0001"
        assert payment.period_end is not None and payment.period_start < payment.period_end
        assert 365 <= (payment.period_end - payment.period_start).days <= 366

    def test_a_tampered_return_is_refused(self, harness, db):
        gateway = get_gateway(harness.name)
        params = harness.pay(checkout(gateway))
        key = {"sandbox": "sandbox", "razorpay": "razorpay_signature", "stripe": "session_id"}[harness.name]
        params[key] = params[key][:-4] + ("0000" if not params[key].endswith("0000") else "1111")
        with pytest.raises((InvalidSignature, GatewayError)):
            gateway.confirm(params)

    def test_the_payment_webhook_verifies_and_names_the_same_payment_as_the_return(self, harness, db):
        gateway = get_gateway(harness.name)
        payment = gateway.confirm(harness.pay(checkout(gateway)))
        body, headers = harness.payment_webhook()
        [event] = gateway.verify_and_parse_webhook(body, headers)
        assert event.kind is EventKind.PAYMENT_SUCCEEDED
        assert (event.payment_ref, event.amount, event.currency) == (payment.payment_ref, 270000, "INR")
        assert event.subscription_ref == "sub_contract0001"
        assert event.event_id

    def test_a_forged_webhook_is_refused(self, harness, db):
        gateway = get_gateway(harness.name)
        harness.pay(checkout(gateway))
        body, headers = harness.payment_webhook()
        with pytest.raises(InvalidSignature):
            gateway.verify_and_parse_webhook(body.replace(b"270000", b"000100"), headers)
        with pytest.raises(InvalidSignature):
            gateway.verify_and_parse_webhook(body, {})

    def test_refund_part_of_a_payment_once_per_key(self, harness, db):
        gateway = get_gateway(harness.name)
        payment = gateway.confirm(harness.pay(checkout(gateway)))
        first = gateway.refund(payment.payment_ref, 100000, "INR", "refund:contract:1")
        again = gateway.refund(payment.payment_ref, 100000, "INR", "refund:contract:1")
        assert (first.amount, first.currency) == (100000, "INR")
        assert again.refund_ref == first.refund_ref

    def test_cancel_at_period_end_is_accepted(self, harness, db):
        gateway = get_gateway(harness.name)
        payment = gateway.confirm(harness.pay(checkout(gateway)))
        assert gateway.cancel(payment.gateway_ref, at_period_end=True) is None
