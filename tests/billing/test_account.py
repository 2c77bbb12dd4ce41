"""The reader's subscription page: plan, status, renewal, cancel, resume, change plan, history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core import mail

from masthead.access.entitlements import for_reader
from masthead.access.benefits import from_codes
from masthead.billing.demo import BENEFITS as PLAN_CODES
from masthead.billing.entitlements import subscription_source
from masthead.billing.models import Subscription
from masthead.core import clock

PLAN_BENEFITS = from_codes(PLAN_CODES)  # what each reference plan opens


def test_the_account_page_shows_plan_status_next_renewal_and_payments(client, subscriber):
    client.force_login(subscriber)
    sub = Subscription.objects.get(user=subscriber)
    html = client.get("/accounts/subscription/").content.decode()
    renews = sub.current_period_end.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert "Smart Essential" in html and "Active" in html
    assert f"{renews.day} {renews:%B %Y}: ₹2,700 for 1 year (₹225/Month)" in html
    assert "Renews automatically, cancel anytime" in html
    assert "Charge: Smart Essential" in html and "₹2,700" in html
    assert sub.invoices.get().number in html


def test_cancel_asks_first_then_keeps_access_to_the_period_end(client, subscriber, django_capture_on_commit_callbacks):
    client.force_login(subscriber)
    confirm = client.get("/accounts/subscription/cancel/").content.decode()
    assert "Yes, cancel my subscription" in confirm
    assert Subscription.objects.get(user=subscriber).state == "active"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/accounts/subscription/cancel/", follow=True)
    sub = Subscription.objects.get(user=subscriber)
    assert sub.state == "cancelled" and sub.access_until == sub.current_period_end
    assert "Your subscription is cancelled and will not renew." in page.content.decode()
    assert [m.subject for m in mail.outbox] == ["Your Smart Essential subscription is cancelled"]
    assert for_reader(subscriber, now=sub.current_period_end - dt.timedelta(minutes=1)) == PLAN_BENEFITS
    assert for_reader(subscriber, now=sub.current_period_end) == frozenset()
    assert "Resume subscription" in page.content.decode()


def test_resume_before_the_end_restores_renewal(client, subscriber):
    client.force_login(subscriber)
    client.post("/accounts/subscription/cancel/")
    client.post("/accounts/subscription/resume/")
    sub = Subscription.objects.get(user=subscriber)
    assert sub.state == "active" and sub.cancelled_at is None


def test_change_plan_shows_and_applies_at_the_next_renewal(client, subscriber):
    client.force_login(subscriber)
    page = client.post("/accounts/subscription/plan/", {"plan": "super-saver"}, follow=True).content.decode()
    sub = Subscription.objects.get(user=subscriber)
    assert (sub.plan.code, sub.next_plan.code) == ("smart-essential", "super-saver")
    assert "From your next renewal your plan will be Super Saver." in page
    assert "₹3,900 for 2 years (₹162/Month)" in page


def test_the_account_page_needs_a_login(client, db):
    assert client.get("/accounts/subscription/")["Location"] == "/accounts/login/?next=/accounts/subscription/"


def test_a_reader_without_a_subscription_is_pointed_to_the_plans(client, reader):
    client.force_login(reader)
    assert "You do not have a subscription." in client.get("/accounts/subscription/").content.decode()


def test_anonymous_readers_get_nothing_without_a_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert subscription_source(AnonymousUser(), now=clock.now()) == set()


def test_a_subscriber_gets_every_benefit_in_one_query(subscriber, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert subscription_source(subscriber, now=clock.now()) == set(PLAN_BENEFITS)


def test_personal_data_export_and_erase(subscriber, django_capture_on_commit_callbacks):
    from masthead.billing import personal_data
    from masthead.billing.models import Invoice

    exported = personal_data.export(subscriber)
    assert [s["plan"] for s in exported["subscriptions"]] == ["Smart Essential"]
    assert [(p["kind"], p["amount_minor"]) for p in exported["payments"]] == [("charge", 270000)]
    assert exported["invoices"][0]["buyer_email"] == "subscriber@example.in"
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase(subscriber)
    invoice = Invoice.objects.get()
    assert (invoice.user, invoice.buyer_name, invoice.buyer_email) == (None, "", "")
    assert invoice.total == 270000  # the tax record stays
    sub = Subscription.objects.get()
    assert (sub.user, sub.state) == (None, "cancelled")
    assert personal_data.export(subscriber) == {"subscriptions": [], "payments": [], "invoices": [],
                                                "gifts_given": [], "gifts_received": []}
