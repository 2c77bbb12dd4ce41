"""An offer's total limit under concurrency on PostgreSQL: real connections, released together."""

from __future__ import annotations

import threading

import pytest

from masthead.billing import actions, redemptions
from masthead.billing.models import Offer, Redemption, Subscription
from tests.billing.test_concurrency import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_readers_racing_for_the_last_redemptions_never_get_more_than_the_limit(make_user, plans, sandbox,
                                                                             monkeypatch):
    offer = Offer.objects.create(code="FIRST3", name="First three", kind="percent", percent_off=50,
                                 max_redemptions=3)
    plan = plans["smart-quarterly"]
    readers = [make_user(f"racer{n}") for n in range(8)]
    # Widen the window between the check and the count: without the conditional update,
    # every racer would pass check() and all eight would be counted.
    real_redeem = redemptions.redeem
    gate = threading.Barrier(len(readers), timeout=10)

    def slow_redeem(*args, **kwargs):
        try:
            gate.wait()
        except threading.BrokenBarrierError:
            pass
        return real_redeem(*args, **kwargs)

    monkeypatch.setattr(redemptions, "redeem", slow_redeem)
    outcomes: list[str] = []

    def checkout(user):
        def job():
            try:
                actions.start_checkout(user, plan, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                                       gateway=sandbox, offer=Offer.objects.get(pk=offer.pk))
                outcomes.append("redeemed")
            except actions.BillingError as exc:
                outcomes.append(str(exc))
        return job

    together(*[checkout(user) for user in readers])
    offer.refresh_from_db()
    assert offer.redemptions == 3
    assert Redemption.objects.filter(offer=offer).count() == 3
    assert Subscription.objects.filter(offer=offer).count() == 3
    assert sorted(outcomes) == ["That offer has been fully taken up."] * 5 + ["redeemed"] * 3
