"""One gift redeemed twice at once on PostgreSQL (real connections, released together): one redemption."""

from __future__ import annotations

import threading

import pytest

from masthead.billing import gifts
from masthead.billing.gateways.sandbox import SUCCEEDS
from masthead.billing.models import Gift
from tests.billing.test_concurrency import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_gift_redeemed_twice_at_once_is_redeemed_once(make_user, essential, sandbox, monkeypatch):
    order = gifts.GiftOrder(plan=essential, months=6, recipient_email="meera@example.in",
                            deliver_on=gifts.local_today(), buyer_email="ravi@example.in")
    gift, start = gifts.start_purchase(order, None, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                                       gateway=sandbox)
    payment, _ = sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
    gifts.confirm_payment("sandbox", payment)
    readers = [make_user("meera"), make_user("meera-again")]
    # Both racers read the gift as unredeemed before either claims it: without the
    # conditional claim, both would be given its months.
    gate = threading.Barrier(2, timeout=10)
    real_from_token = gifts.gift_from_token

    def slow_lookup(token):
        found = real_from_token(token)
        try:
            gate.wait()
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(gifts, "gift_from_token", slow_lookup)
    token = gifts.link_for(gift).rstrip("/").rsplit("/", 1)[1]
    outcomes: list[str] = []

    def redeem(user):
        def job():
            found = gifts.gift_from_token(token)
            assert found.state == "sent"
            try:
                gifts.redeem(found, user)
                outcomes.append("redeemed")
            except gifts.GiftRefused as exc:
                outcomes.append(str(exc))
        return job

    together(*[redeem(user) for user in readers])
    assert sorted(outcomes) == ["This gift has already been redeemed.", "redeemed"]
    gift.refresh_from_db()
    assert gift.state == "redeemed" and gift.redeemed_by in readers
    assert Gift.objects.filter(redeemed_by__isnull=False).count() == 1
