"""Razorpay and Stripe end to end through Masthead: checkout, webhooks, provider-side renewals,
failures, cancellation, out-of-order delivery and replay of a subscription's whole history."""

from __future__ import annotations

import json
import random

import pytest
import requests

from masthead.access.entitlements import for_reader
from masthead.access.benefits import from_codes
from masthead.billing.demo import BENEFITS as PLAN_CODES
from masthead.billing import webhooks
from masthead.billing.models import Invoice, LedgerEntry, Subscription, WebhookEvent

PLAN_BENEFITS = from_codes(PLAN_CODES)  # what each reference plan opens


@pytest.fixture(params=["razorpay", "stripe"])
def provider(request, settings):
    fake = request.getfixturevalue(f"{request.param}_fake")
    settings.MASTHEAD_BILLING_GATEWAY = request.param
    return request.param, fake


def buy(client, reader, capture):
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential", "next": "/2026/12/01/budget-2027/"})
    hosted = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = hosted.headers["Location"].replace("http://testserver", "")
    with capture(execute=True):
        return client.get(back)


def deliver(client, name, fake, capture, *, start=0):
    answers = []
    for body, headers in fake.webhooks[start:]:
        with capture(execute=True):
            answers.append(client.post(f"/billing/webhooks/{name}/", body, content_type="application/json",
                                       headers={k: v for k, v in headers.items() if k != "Content-Type"}).status_code)
    return answers


def test_checkout_returns_unlocked_and_the_webhooks_agree(client, reader, plans, provider,
                                                        django_capture_on_commit_callbacks):
    name, fake = provider
    landed = buy(client, reader, django_capture_on_commit_callbacks)
    assert landed.status_code == 302 and landed["Location"] == "/2026/12/01/budget-2027/"
    assert for_reader(reader) == PLAN_BENEFITS
    assert all(code == 200 for code in deliver(client, name, fake, django_capture_on_commit_callbacks))
    sub = Subscription.objects.get(user=reader)
    assert (sub.state, sub.gateway) == ("active", name)
    assert LedgerEntry.objects.filter(kind="charge").count() == 1
    assert Invoice.objects.count() == 1
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"succeeded"}


def test_provider_renewals_extend_the_period_and_failures_then_halt_end_it(
        client, reader, plans, provider, django_capture_on_commit_callbacks):
    name, fake = provider
    buy(client, reader, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    first_end = sub.current_period_end
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref)
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
    sub.refresh_from_db()
    assert sub.state == "active" and sub.current_period_start == first_end
    assert sub.current_period_end.year == first_end.year + 1
    assert LedgerEntry.objects.filter(kind="charge").count() == 2
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref, succeed=False)
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
    sub.refresh_from_db()
    assert (sub.state, sub.failed_attempts) == ("past_due", 1)
    assert for_reader(reader) == PLAN_BENEFITS  # grace
    if name == "razorpay":
        seen = len(fake.webhooks)
        fake.halt(sub.gateway_ref)
        deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
        sub.refresh_from_db()
        assert sub.state == "expired"
        assert for_reader(reader) == frozenset()


def test_cancel_from_the_account_page_tells_the_provider(client, reader, plans, provider,
                                                         django_capture_on_commit_callbacks):
    name, fake = provider
    buy(client, reader, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/subscription/cancel/")
    sub.refresh_from_db()
    assert sub.state == "cancelled"
    if name == "razorpay":
        assert fake.subscriptions[sub.gateway_ref]["_cancel_at_cycle_end"] is True
    else:
        assert fake.subscriptions[sub.gateway_ref]["cancel_at_period_end"] is True
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref)  # the provider ends it at the cycle's end instead of charging
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=seen)
    sub.refresh_from_db()
    assert sub.state == "expired"
    assert LedgerEntry.objects.filter(kind="charge").count() == 1


def _history(client, reader, name, fake, capture):
    """A whole life: bought, renewed twice, one failure, renewed, then cancelled at cycle end."""
    buy(client, reader, capture)
    sub = Subscription.objects.get(user=reader)
    fake.renew(sub.gateway_ref)
    fake.renew(sub.gateway_ref, succeed=False)
    fake.renew(sub.gateway_ref)
    if name == "razorpay":
        fake.subscriptions[sub.gateway_ref]["_cancel_at_cycle_end"] = True
    else:
        fake.subscriptions[sub.gateway_ref]["cancel_at_period_end"] = True
    fake.renew(sub.gateway_ref)
    return sub


def _final(sub):
    sub.refresh_from_db()
    return (sub.state, sub.current_period_start, sub.current_period_end,
            sorted(LedgerEntry.objects.filter(subscription=sub).values_list("kind", "amount")))


def _term_in_months(final):
    """The final period's length on the calendar: a year is 12 months whether or not it holds
    29 February (comparing timedeltas of two different years is not)."""
    _, start, end, _ = final
    return (end.year - start.year) * 12 + end.month - start.month


def test_events_in_any_order_converge_and_replaying_the_history_changes_nothing(
        client, reader, make_user, plans, provider, django_capture_on_commit_callbacks):
    name, fake = provider
    sub = _history(client, reader, name, fake, django_capture_on_commit_callbacks)
    deliver(client, name, fake, django_capture_on_commit_callbacks)
    in_order = _final(sub)
    assert in_order[0] == "expired"
    assert [kind for kind, _ in in_order[3]].count("charge") == 3

    # The same history for another reader, delivered shuffled and each event twice.
    other = make_user("shuffled")
    client.logout()
    first = len(fake.webhooks)
    other_sub = _history(client, other, name, fake, django_capture_on_commit_callbacks)
    history = fake.webhooks[first:]
    shuffled = history * 2
    random.Random(4).shuffle(shuffled)
    fake.webhooks[first:] = shuffled
    deliver(client, name, fake, django_capture_on_commit_callbacks, start=first)
    a, b = _final(sub), _final(other_sub)
    assert b[0] == a[0] and b[3] == a[3]
    assert _term_in_months(b) == _term_in_months(a) == 12

    # Replaying every stored event again gives the same state and ledger.
    before = _final(sub)
    for row in WebhookEvent.objects.filter(status="succeeded"):
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.replay(row.pk)
    assert _final(sub) == before


def test_a_forged_provider_webhook_gets_400_and_changes_nothing(client, reader, plans, provider,
                                                               django_capture_on_commit_callbacks):
    name, fake = provider
    buy(client, reader, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    seen = len(fake.webhooks)
    fake.renew(sub.gateway_ref)
    body, headers = next((b, h) for b, h in fake.webhooks[seen:]
                         if json.loads(b).get("event", json.loads(b).get("type")) in ("subscription.charged", "invoice.paid"))
    forged = body.replace(b"270000", b"100", 1)
    assert forged != body
    header = "X-Razorpay-Signature" if name == "razorpay" else "Stripe-Signature"
    response = client.post(f"/billing/webhooks/{name}/", forged, content_type="application/json",
                           headers={header: headers[header]})
    assert response.status_code == 400
    sub.refresh_from_db()
    assert LedgerEntry.objects.filter(kind="charge").count() == 1


def test_a_stale_stripe_signature_is_refused(client, plans, stripe_fake, settings):
    from tests.billing.fakes.stripe_fake import sign

    body = json.dumps({"id": "evt_old", "object": "event", "type": "invoice.paid", "data": {"object": {}}}).encode()
    import time

    old = sign(body, int(time.time()) - 301)
    response = client.post("/billing/webhooks/stripe/", body, content_type="application/json",
                           headers={"Stripe-Signature": old})
    assert response.status_code == 400
    assert WebhookEvent.objects.get().error == "Stripe-Signature rejected: The signature is too old (possible replay)."


@pytest.mark.parametrize(("method", "label"), [("upi", "UPI Autopay (reader@okhdfcbank)"),
                                               ("card", "Visa ending 1111 (mandate)")])
def test_razorpay_upi_autopay_and_card_mandates(client, reader, plans, razorpay_fake, settings, method, label,
                                                django_capture_on_commit_callbacks):
    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    hosted = requests.get(start["Location"] + f"?method={method}", allow_redirects=False, timeout=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(hosted.headers["Location"].replace("http://testserver", ""))
    sub = Subscription.objects.get(user=reader)
    assert (sub.state, sub.payment_method_label) == ("active", label)
    assert sub.plan.gateway_refs["razorpay"].startswith("plan_")
    html = client.get("/accounts/subscription/").content.decode()
    assert label in html


def test_plan_changes_are_refused_where_the_provider_renews(client, reader, plans, provider,
                                                            django_capture_on_commit_callbacks):
    name, fake = provider
    buy(client, reader, django_capture_on_commit_callbacks)
    page = client.post("/accounts/subscription/plan/", {"plan": "super-saver"}, follow=True).content.decode()
    assert "Plan changes are not available for this payment method yet." in page
    assert Subscription.objects.get(user=reader).next_plan is None
    assert "Change plan" not in client.get("/accounts/subscription/").content.decode()


def test_renew_reconciles_a_razorpay_subscription_whose_webhook_never_came(
        client, reader, plans, razorpay_fake, settings, django_capture_on_commit_callbacks):
    from masthead.billing.renewals import renew_due

    settings.MASTHEAD_BILLING_GATEWAY = "razorpay"
    buy(client, reader, django_capture_on_commit_callbacks)
    sub = Subscription.objects.get(user=reader)
    razorpay_fake.halt(sub.gateway_ref)  # its webhook is lost
    with django_capture_on_commit_callbacks(execute=True):
        early = renew_due(now=sub.current_period_end - __import__("datetime").timedelta(days=1))
    assert early.reconciled == 0  # nothing is asked of Razorpay before the period ends
    with django_capture_on_commit_callbacks(execute=True):
        report = renew_due(now=sub.current_period_end)
    assert (report.reconciled, report.renewed) == (1, 0)
    sub.refresh_from_db()
    assert sub.state == "expired"
