"""Offers and trials on Razorpay and Stripe, each in the provider's own terms, end to end
against the loopback fakes: Razorpay offer ids, start_at and add-ons; Stripe coupons and trials."""

from __future__ import annotations

import pytest
import requests

from masthead.billing.models import Invoice, LedgerEntry, Offer, Subscription


@pytest.fixture(params=["razorpay", "stripe"])
def provider(request, settings):
    fake = request.getfixturevalue(f"{request.param}_fake")
    settings.MASTHEAD_BILLING_GATEWAY = request.param
    return request.param, fake


def buy(client, reader, capture, code):
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-quarterly", "offer": code})
    assert start.status_code == 302, start.content.decode()
    if start["Location"].startswith("/checkout/"):
        return start  # refused before the provider
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = hosted.headers["Location"].replace("http://testserver", "")
    with capture(execute=True):
        return client.get(back)


def deliver(client, name, fake, capture, *, start=0):
    for body, headers in fake.webhooks[start:]:
        with capture(execute=True):
            response = client.post(f"/billing/webhooks/{name}/", body, content_type="application/json",
                                   headers={k: v for k, v in headers.items() if k != "Content-Type"})
        assert response.status_code == 200


@pytest.fixture
def half(plans):
    offer = Offer.objects.create(code="HALF", name="Half price", kind="percent", percent_off=50, periods=1,
                                 gateway_refs={"razorpay": "offer_RzpHalf1"})
    offer.plans.set([plans["smart-quarterly"]])
    return offer


def test_a_discount_is_the_providers_offer_or_coupon_and_the_ledger_records_it(
        client, reader, plans, provider, half, django_capture_on_commit_callbacks):
    name, fake = provider
    if name == "razorpay":
        fake.offers["offer_RzpHalf1"] = {"percent_off": 50, "periods": 1}
    buy(client, reader, django_capture_on_commit_callbacks, "HALF")
    deliver(client, name, fake, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    if name == "razorpay":
        assert fake.subscriptions[sub.gateway_ref]["offer_id"] == "offer_RzpHalf1"
    else:
        assert fake.coupons["masthead-half-3m"]["percent_off"] == 50
        assert fake.coupons["masthead-half-3m"]["duration"] == "once"
    assert (sub.state, sub.discounted_charges) == ("active", 1)
    assert list(LedgerEntry.objects.values_list("amount", "list_price", "discount", "offer_code")) == [
        (45000, 90000, 45000, "HALF")]
    assert Invoice.objects.get().total == 45000
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref)  # the provider's own renewal, at the plan's price again
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
    assert list(LedgerEntry.objects.order_by("period_start").values_list("amount", "discount")) == [
        (45000, 45000), (90000, 0)]


def test_razorpay_refuses_an_offer_not_set_up_in_its_dashboard(client, reader, plans, razorpay_fake, settings,
                                                                django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    Offer.objects.create(code="NOREF", name="Not on Razorpay", kind="percent", percent_off=20)
    response = buy(client, reader, django_capture_on_commit_callbacks, "NOREF")
    page = client.get(response["Location"]).content.decode()
    assert "The offer NOREF is not set up on Razorpay yet" in page
    assert razorpay_fake.subscriptions == {} and LedgerEntry.objects.count() == 0
    assert Offer.objects.get(code="NOREF").redemptions == 0  # the refusal rolled the redemption back


def test_a_free_trial_charges_nothing_until_the_providers_first_charge(
        client, reader, plans, provider, django_capture_on_commit_callbacks):
    name, fake = provider
    Offer.objects.create(code="TRY14", name="Two weeks free", kind="none", trial_days=14)
    buy(client, reader, django_capture_on_commit_callbacks, "TRY14")
    deliver(client, name, fake, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    assert sub.state == "trialing"
    assert (sub.current_period_end - sub.current_period_start).days == 14
    assert LedgerEntry.objects.count() == 0 and Invoice.objects.count() == 0
    if name == "razorpay":
        assert fake.subscriptions[sub.gateway_ref]["start_at"] == int(sub.current_period_end.timestamp())
    else:
        assert fake.subscriptions[sub.gateway_ref]["status"] == "trialing"
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref)
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
    sub.refresh_from_db()
    assert sub.state == "active"
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 90000)]
