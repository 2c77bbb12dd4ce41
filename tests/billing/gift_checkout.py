"""Buying a gift subscription through the sandbox's checkout, as the gift page does, for the
tests of gifts and of the revenue desk."""

from __future__ import annotations

from masthead.billing import gifts
from masthead.billing.gateways.sandbox import SUCCEEDS


def buy_gift(sandbox, capture_on_commit, plan, months=6, *, buyer=None, deliver_on=None, card=SUCCEEDS,
             message="Happy birthday, Meera!"):
    """The gift, paid (or not, with a declined card); `capture_on_commit` is pytest-django's
    django_capture_on_commit_callbacks, so the receipt and the recipient's mail go out."""
    order = gifts.GiftOrder(plan=plan, months=months, recipient_email="meera@example.in", recipient_name="Meera",
                            message=message, deliver_on=deliver_on or gifts.local_today(),
                            buyer_email=buyer.email if buyer else "ravi@example.in", buyer_name="Ravi")
    gift, start = gifts.start_purchase(order, buyer, return_url="http://testserver/gift/return/sandbox/",
                                       cancel_url="http://testserver/gift/", gateway=sandbox)
    payment, _ = sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), card)
    with capture_on_commit(execute=True):
        gifts.confirm_payment("sandbox", payment)
    gift.refresh_from_db()
    return gift
