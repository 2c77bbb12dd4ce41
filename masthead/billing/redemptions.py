"""Offer codes: which offer a reader may use, and taking one redemption of it.

The limits are checked twice: `check()` explains a refusal to the reader before they
pay, and `redeem()` (inside start_checkout's transaction) takes the redemption for real.
The total limit is exact under concurrency: the count is raised by one conditional
UPDATE (``redemptions < max_redemptions``), which PostgreSQL applies row by row, so two
readers racing for the last redemption cannot both get it. "Once per reader" is a unique
constraint on (offer, reader); an abandoned checkout's redemption moves to the reader's
next checkout instead of being counted again.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from masthead.billing.discounts import charge_for_period, terms_of
from masthead.billing.models import Offer, Plan, Redemption, Subscription
from masthead.billing.states import State
from masthead.core import clock
from masthead.core.db import is_unique_violation

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")


class OfferRefused(Exception):
    """An offer code the reader cannot use; the message says why, in words."""


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def find(code: str) -> Offer | None:
    """The active offer with this code (codes are matched without regard to case)."""
    code = normalise_code(code)
    if not code or not CODE_PATTERN.fullmatch(code):
        return None
    return Offer.objects.filter(code__iexact=code, is_active=True).prefetch_related("plans").first()


def applies_to(offer: Offer, plan: Plan) -> bool:
    chosen = [p.pk for p in offer.plans.all()]
    return not chosen or plan.pk in chosen


def has_paid_before(user) -> bool:
    """Whether the reader ever had a subscription period (paid, trial or imported)."""
    return Subscription.objects.filter(user=user, current_period_end__isnull=False).exists()


def check(offer: Offer | None, user, plan: Plan, *, now=None) -> Offer:
    """The offer if this reader may use it on this plan now; OfferRefused otherwise."""
    now = now or clock.now()
    if offer is None or not offer.is_active:
        raise OfferRefused("That offer code is not valid.")
    if offer.expires_at is not None and offer.expires_at <= now:
        raise OfferRefused("That offer has ended.")
    if not applies_to(offer, plan):
        names = ", ".join(p.name for p in offer.plans.all())
        raise OfferRefused(f"That offer is for {names} only.")
    if offer.max_redemptions is not None and offer.redemptions >= offer.max_redemptions:
        raise OfferRefused("That offer has been fully taken up.")
    if offer.purpose == Offer.Purpose.WIN_BACK:
        # A win-back offer is for readers who have paid before and hold no subscription now;
        # start_checkout refuses a reader with a current one, and so does this.
        if not getattr(user, "is_authenticated", False) or not has_paid_before(user) or _holds_current(user, now):
            raise OfferRefused("That offer is for returning subscribers.")
    elif getattr(user, "is_authenticated", False) and offer.new_subscribers_only and has_paid_before(user):
        raise OfferRefused("That offer is for new subscribers.")
    if getattr(user, "is_authenticated", False):
        if offer.once_per_reader and _used(offer, user):
            raise OfferRefused("You have already used that offer.")
    return offer


def _holds_current(user, now) -> bool:
    """A subscription that renews or still grants access."""
    return Subscription.objects.filter(user=user).filter(
        Q(state__in=[State.ACTIVE.value, State.TRIALING.value, State.PAST_DUE.value])
        | Q(state=State.CANCELLED.value, access_until__gt=now)).exists()


def _abandoned(sub: Subscription) -> bool:
    """A checkout that never gave the reader a period: its offer was not really used."""
    return sub.current_period_end is None and sub.state in (State.PENDING.value, State.EXPIRED.value)


def used_by(offer: Offer, user) -> bool:
    """Whether this reader has really used the offer (an abandoned checkout does not count)."""
    return _used(offer, user)


def _used(offer: Offer, user) -> bool:
    return any(not _abandoned(r.subscription)
               for r in Redemption.objects.filter(offer=offer, user=user).select_related("subscription"))


def redeem(offer: Offer, user, subscription: Subscription) -> Redemption:
    """Take one redemption for this checkout (call inside its transaction). OfferRefused
    when the last one went to someone else first, or the reader already used it."""
    now = clock.now()
    with transaction.atomic():
        previous = Redemption.objects.select_for_update().filter(offer=offer, user=user).first() if user else None
        if previous is not None:
            if not _abandoned(previous.subscription):
                raise OfferRefused("You have already used that offer.")
            # An abandoned checkout's redemption is carried to this one, not counted again.
            previous.subscription = subscription
            previous.created_at = now
            previous.save(update_fields=["subscription", "created_at"])
            return previous
        taken = Offer.objects.filter(pk=offer.pk, is_active=True).filter(
            Q(max_redemptions__isnull=True) | Q(redemptions__lt=F("max_redemptions"))
        ).update(redemptions=F("redemptions") + 1)
        if taken != 1:
            raise OfferRefused("That offer has been fully taken up.")
        try:
            with transaction.atomic():
                return Redemption.objects.create(offer=offer, user=user if offer.once_per_reader else None,
                                                 subscription=subscription, created_at=now)
        except IntegrityError as exc:
            if is_unique_violation(exc):
                raise OfferRefused("You have already used that offer.") from exc
            raise


def renewal_amount(sub: Subscription, plan: Plan | None = None) -> tuple[int, bool]:
    """The next charge's amount and whether the subscription's offer discounts it (an offer
    applies only to the plans it names, so a plan change may end it)."""
    plan = plan or sub.renewal_plan
    if sub.offer_id is None or not applies_to(sub.offer, plan):
        return plan.price, False
    return charge_for_period(plan.price, terms_of(sub.offer), sub.discounted_charges)
