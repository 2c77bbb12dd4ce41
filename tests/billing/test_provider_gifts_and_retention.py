"""Gifts and retention offers in each provider's terms, against the loopback fakes: a gift is a
Stripe Checkout Session in payment mode, or a Razorpay Payment Link;
a retention offer accepted on the cancel page is a Stripe coupon put on the running
subscription (Razorpay, which cannot discount a running subscription, is never offered one)."""

from __future__ import annotations

import pytest
import requests

from masthead.billing import actions, gifts
from masthead.billing.models import Gift, Invoice, LedgerEntry, Offer, Subscription
from tests.billing.test_provider_offers import deliver

GIFT_FORM = {"plan": "smart-essential", "months": "3", "recipient_email": "meera@example.in",
             "buyer_email": "ravi@example.in", "buyer_name": "Ravi", "message": "For the commute"}


@pytest.fixture
def stay25(plans):
    return Offer.objects.create(code="STAY25", name="25% off to stay", purpose="retention", kind="percent",
                                percent_off=25, periods=1, new_subscribers_only=False)


def test_a_gift_on_stripe_is_a_one_time_payment_recorded_once_and_refundable(
        client, plans, stripe_fake, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "stripe"
    start = client.post("/gift/", {**GIFT_FORM, "deliver_on": gifts.local_today().isoformat()})
    assert start.status_code == 302 and start["Location"].startswith(stripe_fake.url)
    [session] = stripe_fake.sessions.values()
    assert (session["mode"], session["amount_total"], session["_months"]) == ("payment", 67500, 0)
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(hosted.headers["Location"].replace("http://testserver", ""))
    assert "Thank you: your gift is paid" in back.content.decode()
    deliver(client, "stripe", stripe_fake, django_capture_on_commit_callbacks)  # checkout.session.completed
    gift = Gift.objects.get()
    assert stripe_fake.subscriptions == {}
    assert (gift.state, gift.payment_ref) == ("sent", session["payment_intent"])
    assert list(LedgerEntry.objects.values_list("kind", "amount", "gateway_payment_ref")) == [
        ("charge", 67500, session["payment_intent"])]
    assert Invoice.objects.get().total == 67500
    seen = len(stripe_fake.webhooks)
    with django_capture_on_commit_callbacks(execute=True):
        gifts.refund(gift)
    [refund] = stripe_fake.refunds.values()
    assert (refund["payment_intent"], refund["amount"]) == (session["payment_intent"], 67500)
    deliver(client, "stripe", stripe_fake, django_capture_on_commit_callbacks, start=seen)  # charge.refunded
    gift.refresh_from_db()
    assert gift.state == "refunded"
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 67500), ("refund", 67500)]


def test_a_gift_on_razorpay_is_a_payment_link_recorded_once_and_refundable(
        client, plans, razorpay_fake, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    start = client.post("/gift/", {**GIFT_FORM, "deliver_on": gifts.local_today().isoformat()})
    assert start.status_code == 302 and start["Location"].startswith(razorpay_fake.url + "/i/plink_")
    [link] = razorpay_fake.payment_links.values()
    gift = Gift.objects.get()
    assert (link["amount"], link["reference_id"], razorpay_fake.subscriptions) == (67500, gift.reference, {})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(hosted.headers["Location"].replace("http://testserver", ""))
    assert "Thank you: your gift is paid" in back.content.decode()
    deliver(client, "razorpay", razorpay_fake, django_capture_on_commit_callbacks)  # payment_link.paid
    [payment_id] = razorpay_fake.payments
    gift.refresh_from_db()
    assert (gift.state, gift.payment_ref, gift.gateway_ref) == ("sent", payment_id, link["id"])
    assert list(LedgerEntry.objects.values_list("kind", "amount", "gateway_payment_ref")) == [
        ("charge", 67500, payment_id)]
    seen = len(razorpay_fake.webhooks)
    with django_capture_on_commit_callbacks(execute=True):
        gifts.refund(gift)
    deliver(client, "razorpay", razorpay_fake, django_capture_on_commit_callbacks, start=seen)  # refund.processed
    gift.refresh_from_db()
    assert gift.state == "refunded" and razorpay_fake.payments[payment_id]["amount_refunded"] == 67500
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 67500), ("refund", 67500)]


def test_a_forged_payment_link_return_pays_no_gift(client, plans, razorpay_fake, settings):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.post("/gift/", {**GIFT_FORM, "deliver_on": gifts.local_today().isoformat()})
    [link] = razorpay_fake.payment_links.values()
    forged = client.get("/gift/return/razorpay/", {
        "razorpay_payment_id": "pay_forged", "razorpay_payment_link_id": link["id"],
        "razorpay_payment_link_reference_id": link["reference_id"], "razorpay_payment_link_status": "paid",
        "razorpay_signature": "0" * 64})
    assert forged.status_code == 302 and forged["Location"] == "/gift/"
    assert Gift.objects.get().state == "pending" and LedgerEntry.objects.count() == 0


def _stripe_subscriber(client, reader, stripe_fake, capture):
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-quarterly"})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    with capture(execute=True):
        client.get(hosted.headers["Location"].replace("http://testserver", ""))
    deliver(client, "stripe", stripe_fake, capture)
    return Subscription.objects.get(user=reader)


def test_staying_with_a_retention_offer_on_stripe_puts_its_coupon_on_the_subscription(
        client, reader, plans, stripe_fake, settings, stay25, django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "stripe"
    sub = _stripe_subscriber(client, reader, stripe_fake, django_capture_on_commit_callbacks)
    assert "Before you go: 25% off to stay" in client.get("/accounts/subscription/cancel/").content.decode()
    stayed = client.post("/accounts/subscription/cancel/", {"stay_with_offer": "STAY25"}, follow=True)
    assert "Thank you for staying." in stayed.content.decode()
    assert stripe_fake.subscriptions[sub.gateway_ref]["discounts"] == ["masthead-stay25-3m"]
    assert stripe_fake.coupons["masthead-stay25-3m"]["percent_off"] == 25
    assert stripe_fake.coupons["masthead-stay25-3m"]["duration"] == "once"
    seen = len(stripe_fake.webhooks)
    stripe_fake.renew(sub.gateway_ref)  # Stripe's own renewal, with the coupon
    deliver(client, "stripe", stripe_fake, django_capture_on_commit_callbacks, start=seen)
    seen = len(stripe_fake.webhooks)
    stripe_fake.renew(sub.gateway_ref)  # and the one after, at the plan's price again
    deliver(client, "stripe", stripe_fake, django_capture_on_commit_callbacks, start=seen)
    assert list(LedgerEntry.objects.order_by("period_start").values_list("amount", "discount")) == [
        (90000, 0), (67500, 22500), (90000, 0)]
    assert LedgerEntry.objects.get(discount=22500).offer_code == "STAY25"
    sub.refresh_from_db()
    assert (sub.state, sub.offer, sub.discounted_charges) == ("active", stay25, 1)


def test_a_stripe_refusal_leaves_the_subscription_without_the_offer(
        client, reader, plans, stripe_fake, settings, stay25, django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "stripe"
    sub = _stripe_subscriber(client, reader, stripe_fake, django_capture_on_commit_callbacks)
    del stripe_fake.subscriptions[sub.gateway_ref]  # Stripe no longer knows it: 404
    with pytest.raises(Exception, match="Stripe"):
        actions.accept_retention_offer(sub, stay25)
    sub.refresh_from_db()
    stay25.refresh_from_db()
    assert (sub.offer, stay25.redemptions) == (None, 0)


def test_razorpay_subscribers_are_not_offered_a_retention_offer_it_could_not_apply(
        client, reader, plans, razorpay_fake, settings, stay25, django_capture_on_commit_callbacks):
    from tests.billing.test_provider_offers import buy

    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    buy(client, reader, django_capture_on_commit_callbacks, "")
    deliver(client, "razorpay", razorpay_fake, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    assert sub.state == "active"
    page = client.get("/accounts/subscription/cancel/").content.decode()
    assert "Before you go" not in page and "Yes, cancel my subscription" in page
    with pytest.raises(actions.BillingError, match="That offer is not available for your subscription."):
        actions.accept_retention_offer(sub, stay25)


def test_a_gift_to_a_stripe_subscriber_moves_stripes_next_invoice_after_the_gift(
        client, reader, plans, stripe_fake, settings, django_capture_on_commit_callbacks):
    from masthead.billing.periods import add_months

    settings.MASTHEAD_BILLING_GATEWAY = "stripe"
    sub = _stripe_subscriber(client, reader, stripe_fake, django_capture_on_commit_callbacks)
    paid_until = sub.current_period_end
    settings.MASTHEAD_BILLING_GATEWAY = "sandbox"  # the gift itself is bought through the sandbox here
    order = gifts.GiftOrder(plan=plans["smart-quarterly"], months=6, recipient_email=reader.email,
                            deliver_on=gifts.local_today(), buyer_email="ravi@example.in")
    from masthead.billing.gateways.sandbox import SUCCEEDS, SandboxGateway

    sandbox = SandboxGateway()
    gift, start = gifts.start_purchase(order, None, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                                       gateway=sandbox)
    payment, _ = sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
    gifts.confirm_payment("sandbox", payment)
    gift = gifts.redeem(Gift.objects.get(pk=gift.pk), reader)
    new_end = add_months(paid_until, 6)
    assert stripe_fake.subscriptions[sub.gateway_ref]["trial_end"] == int(new_end.timestamp())
    sub.refresh_from_db()
    assert (gift.extended, gift.access_from, sub.current_period_end) == (sub, paid_until, new_end)
    seen = len(stripe_fake.webhooks)
    stripe_fake.renew(sub.gateway_ref)  # Stripe's next invoice, after the gift's months
    deliver(client, "stripe", stripe_fake, django_capture_on_commit_callbacks, start=seen)
    charges = LedgerEntry.objects.filter(subscription=sub, kind="charge").order_by("period_start")
    assert [(c.amount, c.period_start) for c in charges] == [(90000, charges[0].period_start), (90000, new_end)]


def test_a_gift_to_a_razorpay_subscriber_starts_after_the_paid_period_and_razorpay_charges_no_gifted_month(
        client, reader, plans, razorpay_fake, settings, django_capture_on_commit_callbacks):
    from tests.billing.test_provider_offers import buy

    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    buy(client, reader, django_capture_on_commit_callbacks, "")
    deliver(client, "razorpay", razorpay_fake, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    assert not actions.can_postpone(sub)
    gift = Gift.objects.create(plan=plans["smart-quarterly"], months=3, amount=90000, buyer_email="ravi@example.in",
                               recipient_email=reader.email, deliver_on=gifts.local_today(), state="sent",
                               gateway="sandbox", created_at=sub.created_at, updated_at=sub.created_at)
    paid_until = sub.current_period_end  # (while it renewed, access also held a grace period)
    gift = gifts.redeem(gift, reader)
    sub.refresh_from_db()
    assert (gift.extended, gift.access_from) == (None, paid_until)
    # Razorpay cannot move its next charge, so its renewals stop at the paid period's end:
    # the gift pays for the months after it, and nobody pays twice for them.
    assert razorpay_fake.subscriptions[sub.gateway_ref].get("_cancel_at_cycle_end") is True
    assert (sub.state, sub.access_until) == ("cancelled", paid_until)
