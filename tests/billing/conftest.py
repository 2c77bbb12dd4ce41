"""Billing fixtures: the reference plans, personas, and a sandbox provider per test."""

from __future__ import annotations

import pytest

from masthead.billing.gateways.sandbox import SUCCEEDS, SandboxGateway, SandboxStore


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (set MASTHEAD_DATABASE_URL)")


@pytest.fixture(autouse=True)
def sandbox_store(tmp_path, settings):
    """Each test gets the sandbox provider's books to itself."""
    settings.MASTHEAD_SANDBOX_STORE = str(tmp_path / "sandbox-gateway.sqlite3")
    settings.MASTHEAD_SANDBOX_DELIVER_WEBHOOKS = False
    settings.MASTHEAD_BILLING_GATEWAY = "sandbox"
    return SandboxStore(settings.MASTHEAD_SANDBOX_STORE)


@pytest.fixture
def sandbox(sandbox_store):
    return SandboxGateway(sandbox_store)


@pytest.fixture
def publication(db):
    from masthead.content.models import Publication

    return Publication.objects.create(
        name="The Daily Masthead", legal_name="Masthead Media Private Limited", time_zone="Asia/Kolkata",
        address="12 Press Lane\nMumbai 400001\nMaharashtra", gstin="27AABCM1234F1Z5",
    )


@pytest.fixture
def plans(db, publication):
    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Plan

    seed_plans(progress=lambda line: None)
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def essential(plans):
    return plans["smart-essential"]


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    def make(username: str = "reader", **fields):
        fields.setdefault("email", f"{username}@example.in")
        return get_user_model().objects.create_user(username=username, password="not-used-1234", **fields)

    return make


@pytest.fixture
def reader(make_user):
    """A registered reader with no subscription."""
    return make_user("reader", first_name="Asha", last_name="Rao")


@pytest.fixture
def subscribe(sandbox, django_capture_on_commit_callbacks):
    """Buy a plan through the sandbox's real checkout path; returns the subscription."""
    from masthead.billing import actions

    def buy(user, plan, card: str = SUCCEEDS):
        sub, start = actions.start_checkout(user, plan, return_url="http://testserver/checkout/return/sandbox/",
                                            cancel_url="http://testserver/subscribe/", gateway=sandbox)
        checkout = sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1])
        payment, _ = sandbox.pay(checkout, card)
        with django_capture_on_commit_callbacks(execute=True):
            actions.confirm_payment("sandbox", payment)
        sub.refresh_from_db()
        return sub

    return buy


@pytest.fixture
def subscriber(make_user, essential, subscribe):
    """A reader with an active Smart Essential subscription (persona)."""
    user = make_user("subscriber", first_name="Vikram", last_name="Iyer")
    subscribe(user, essential)
    return user


@pytest.fixture
def razorpay_fake(settings):
    from tests.billing.fakes.razorpay_fake import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, RazorpayFake

    fake = RazorpayFake().start()
    settings.MASTHEAD_RAZORPAY_API_BASE = fake.url
    settings.MASTHEAD_RAZORPAY_KEY_ID, settings.MASTHEAD_RAZORPAY_KEY_SECRET = KEY_ID, KEY_SECRET
    settings.MASTHEAD_RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield fake
    fake.stop()


@pytest.fixture
def stripe_fake(settings):
    from tests.billing.fakes.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, StripeFake

    fake = StripeFake().start()
    settings.MASTHEAD_STRIPE_API_BASE = fake.url
    settings.MASTHEAD_STRIPE_SECRET_KEY = SECRET_KEY
    settings.MASTHEAD_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield fake
    fake.stop()


@pytest.fixture
def make_offer(plans):
    from masthead.billing.models import Offer

    def make(code="HALF", *, only=(), **fields):
        fields.setdefault("name", "Half price for a quarter")
        fields.setdefault("kind", "percent")
        fields.setdefault("percent_off", 50 if fields["kind"] == "percent" else 0)
        offer = Offer.objects.create(code=code, **fields)
        offer.plans.set([plans[p] for p in only])
        return offer
    return make


@pytest.fixture
def buy_with(sandbox, django_capture_on_commit_callbacks):
    """Check out through the sandbox with an offer; returns the subscription."""
    from masthead.billing import actions

    def buy(user, plan, offer, card=SUCCEEDS):
        sub, start = actions.start_checkout(user, plan, return_url="http://testserver/checkout/return/sandbox/",
                                            cancel_url="http://testserver/subscribe/", gateway=sandbox, offer=offer)
        checkout = sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1])
        payment, _ = sandbox.pay(checkout, card)
        with django_capture_on_commit_callbacks(execute=True):
            actions.confirm_payment("sandbox", payment)
        sub.refresh_from_db()
        return sub
    return buy
