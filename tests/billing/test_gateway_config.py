"""A gateway that is not configured has no routes; an empty secret verifies nothing; a provider
that cannot be reached gives the reader a clear message, never a 500."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.test import Client

from masthead.billing.gateways.base import InvalidSignature, verify_signature, verify_timestamped_signature
from masthead.billing.models import Subscription, WebhookEvent

EMPTY_KEY_HMAC = hmac.new(b"", b"pay_attacker|sub_attacker", hashlib.sha256).hexdigest()


@pytest.fixture
def unconfigured(settings):
    for name in ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET",
                 "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        setattr(settings, f"MASTHEAD_{name}", "")


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", ["/checkout/return/razorpay/", "/checkout/return/stripe/",
                                  "/billing/webhooks/razorpay/", "/billing/webhooks/stripe/",
                                  "/checkout/return/paypal/", "/billing/webhooks/paypal/"])
def test_routes_of_a_gateway_that_is_not_configured_are_404(client, reader, unconfigured, path, method):
    query = {"razorpay_payment_id": "pay_attacker", "razorpay_subscription_id": "sub_attacker",
             "razorpay_signature": EMPTY_KEY_HMAC, "session_id": "cs_attacker"}
    strict = Client(enforce_csrf_checks=True)  # as a browser or a script meets it: 404, not a CSRF 403
    assert getattr(strict, method)(path, query).status_code == 404
    strict.force_login(reader)
    assert getattr(strict, method)(path, query).status_code == 404
    assert WebhookEvent.objects.count() == 0


def test_sandbox_pages_are_404_without_a_sandbox_secret(client, reader, plans, settings):
    client.force_login(reader)
    link = client.post("/checkout/", {"plan": "smart-essential"})["Location"]
    settings.MASTHEAD_SANDBOX_SECRET = ""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.get(link).status_code == 404
    assert strict.post(link, {"card_number": "4242424242424242"}).status_code == 404
    assert strict.post(link + "authenticate/", {"otp": "123456"}).status_code == 404
    assert strict.post("/billing/webhooks/sandbox/", b"{}", content_type="application/json").status_code == 404


def test_checkout_with_an_unconfigured_gateway_says_payments_are_unavailable(client, reader, plans, unconfigured,
                                                                             settings):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.force_login(reader)
    response = client.post("/checkout/", {"plan": "smart-essential"}, follow=True)
    assert response.status_code == 200
    assert "Payments are not available at the moment." in response.content.decode()
    assert Subscription.objects.count() == 0


@pytest.mark.parametrize("secret", ["", None])
def test_an_empty_secret_never_verifies(secret):
    with pytest.raises(InvalidSignature):
        verify_signature(secret, b"pay_attacker|sub_attacker", EMPTY_KEY_HMAC)
    timestamped = "t=1000,v1=" + hmac.new(b"", b"1000.{}", hashlib.sha256).hexdigest()
    with pytest.raises(InvalidSignature, match="No signing secret"):
        verify_timestamped_signature(secret, b"{}", timestamped, tolerance=300, now=1000)


@pytest.mark.parametrize("signature", ["", "0" * 64])
def test_a_missing_or_wrong_signature_never_verifies(signature):
    with pytest.raises(InvalidSignature):
        verify_signature("a-secret", b"message", signature)


def test_razorpay_with_an_empty_key_secret_refuses_an_hmac_made_with_it(razorpay_fake, settings):
    from masthead.billing.gateways.razorpay import RazorpayGateway

    settings.MASTHEAD_RAZORPAY_KEY_SECRET = ""
    with pytest.raises(InvalidSignature):
        RazorpayGateway().confirm({"razorpay_payment_id": "pay_attacker", "razorpay_subscription_id": "sub_attacker",
                                   "razorpay_signature": EMPTY_KEY_HMAC})
    assert razorpay_fake.requests == []  # no call to Razorpay with the attacker's ids


def test_razorpay_down_at_the_return_gives_a_clear_message(client, reader, plans, razorpay_fake):
    from tests.billing.fakes.razorpay_fake import KEY_SECRET

    client.force_login(reader)
    razorpay_fake.stop()
    signature = hmac.new(KEY_SECRET.encode(), b"pay_1|sub_1", hashlib.sha256).hexdigest()
    response = client.get("/checkout/return/razorpay/", {"razorpay_payment_id": "pay_1",
                                                         "razorpay_subscription_id": "sub_1",
                                                         "razorpay_signature": signature}, follow=True)
    assert response.status_code == 200
    assert "Razorpay could not be reached. Please try again in a few minutes." in response.content.decode()


def test_razorpay_down_at_checkout_gives_a_clear_message(client, reader, plans, razorpay_fake, settings):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.force_login(reader)
    razorpay_fake.stop()
    response = client.post("/checkout/", {"plan": "smart-essential"}, follow=True)
    assert response.status_code == 200
    assert "Razorpay could not be reached. Please try again in a few minutes." in response.content.decode()
    assert Subscription.objects.count() == 0


def test_stripe_down_at_the_return_gives_a_clear_message(client, reader, plans, stripe_fake):
    client.force_login(reader)
    stripe_fake.stop()  # the SDK's retries go to the closed loopback port
    response = client.get("/checkout/return/stripe/", {"session_id": "cs_test_1"}, follow=True)
    assert response.status_code == 200
    assert "Stripe could not be reached. Please try again in a few minutes." in response.content.decode()


def test_the_sandbox_with_an_empty_secret_verifies_nothing(sandbox, settings):
    settings.MASTHEAD_SANDBOX_SECRET = ""
    from masthead.billing.gateways.sandbox import SandboxGateway

    gateway = SandboxGateway(sandbox.store)
    with pytest.raises(InvalidSignature):
        gateway.confirm({"sandbox": "anything"})
    with pytest.raises(InvalidSignature):
        gateway.read_checkout("anything")
    with pytest.raises(InvalidSignature):
        gateway.verify_and_parse_webhook(b"{}", {"X-Sandbox-Signature": "t=1,v1=" + "0" * 64})


def test_razorpay_down_when_a_reader_cancels_gives_a_clear_message(client, reader, plans, razorpay_fake, settings,
                                                                   django_capture_on_commit_callbacks):
    import requests

    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(hosted.headers["Location"].replace("http://testserver", ""))
    razorpay_fake.stop()
    response = client.post("/accounts/subscription/cancel/", follow=True)
    assert response.status_code == 200
    assert "Razorpay could not be reached. Please try again in a few minutes." in response.content.decode()
    assert Subscription.objects.get(user=reader).state == "active"
