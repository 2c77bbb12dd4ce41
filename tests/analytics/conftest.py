"""Revenue desk fixtures: a publication, the reference plans, the sandbox, personas."""

from __future__ import annotations

import pytest

from masthead.billing.gateways.sandbox import SUCCEEDS, SandboxGateway, SandboxStore
from tests.billing.gift_checkout import buy_gift


@pytest.fixture(autouse=True)
def sandbox_store(tmp_path, settings):
    settings.MASTHEAD_SANDBOX_STORE = str(tmp_path / "sandbox-gateway.sqlite3")
    settings.MASTHEAD_SANDBOX_DELIVER_WEBHOOKS = False
    settings.MASTHEAD_BILLING_GATEWAY = "sandbox"
    return SandboxStore(settings.MASTHEAD_SANDBOX_STORE)


@pytest.fixture
def sandbox(sandbox_store):
    return SandboxGateway(sandbox_store)


@pytest.fixture
def publication(db):
    from tests.content.factories import PublicationFactory

    return PublicationFactory(time_zone="Asia/Kolkata")


@pytest.fixture
def plans(db, publication):
    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Plan

    seed_plans(progress=lambda line: None)
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    def make(username: str = "reader", **fields):
        fields.setdefault("email", f"{username}@example.in")
        return get_user_model().objects.create_user(username=username, password="pw-not-used-1234", **fields)

    return make


@pytest.fixture
def subscribe(sandbox, django_capture_on_commit_callbacks):
    """Buy a plan through the sandbox's real checkout path (return_to: the article that sold it)."""
    from masthead.billing import actions

    def buy(user, plan, return_to: str = "", card: str = SUCCEEDS):
        sub, start = actions.start_checkout(user, plan, return_url="http://testserver/checkout/return/sandbox/",
                                            cancel_url="http://testserver/subscribe/", gateway=sandbox,
                                            return_to=return_to)
        checkout = sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1])
        payment, _ = sandbox.pay(checkout, card)
        with django_capture_on_commit_callbacks(execute=True):
            actions.confirm_payment("sandbox", payment)
        sub.refresh_from_db()
        return sub

    return buy


@pytest.fixture
def give(sandbox, django_capture_on_commit_callbacks):
    """Buy a gift subscription through the sandbox's checkout (a one-time payment)."""
    def buy(plan, months: int = 12, buyer=None, card: str = SUCCEEDS):
        return buy_gift(sandbox, django_capture_on_commit_callbacks, plan, months, buyer=buyer, card=card, message="")

    return buy


@pytest.fixture
def analyst(make_user):
    """Anand: staff with the analytics permissions."""
    from django.contrib.auth.models import Permission

    user = make_user("anand", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="analytics", codename__in=["view_revenue_desk", "run_experiments"]))
    return user


@pytest.fixture
def staff_without_desk(make_user):
    """Sita: staff (an editor) without the analytics permission."""
    from django.contrib.auth.models import Permission

    user = make_user("sita", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="content"))
    return user
