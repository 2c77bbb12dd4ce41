"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES):
a subscription that grants access opens exactly its plan's benefits."""

from __future__ import annotations

import datetime as dt

from masthead.access.benefits import Benefit
from masthead.access.entitlements import Holding
from masthead.billing.models import Gift, Subscription


def subscription_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Benefits of the reader's subscriptions that grant access at `now` (states.grants_access).

    `access_until` is written by the state machine on every change, so this is one
    indexed query and the answer changes on the reader's next request after a webhook.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    benefits: set[Benefit] = set()
    for sub in Subscription.objects.granting(now).filter(user=user).select_related("plan"):
        benefits |= sub.plan.benefit_set()
    return benefits


subscription_source.anonymous = False


def subscription_changes_at(user, *, now: dt.datetime, ip: str | None = None) -> dt.datetime | None:
    """When a granting subscription's access ends by time alone (its paid-through date)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return min(Subscription.objects.granting(now).filter(user=user).values_list("access_until", flat=True),
               default=None)


subscription_source.changes_at = subscription_changes_at


def subscription_holdings(user, *, now: dt.datetime, ip: str | None = None) -> list[Holding]:
    """The reader's granting subscriptions, by plan name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [Holding("subscription", sub.plan.name, sub.plan.benefit_set(), sub.access_until)
            for sub in Subscription.objects.granting(now).filter(user=user).select_related("plan")]


subscription_source.holdings = subscription_holdings


def _gifts_open(user, now: dt.datetime):
    return (Gift.objects.filter(redeemed_by=user, state=Gift.State.REDEEMED, access_from__lte=now,
                                access_until__gt=now).select_related("plan"))


def gift_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Benefits of the redeemed gifts whose months are running at `now` (they never renew)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    benefits: set[Benefit] = set()
    for gift in _gifts_open(user, now):
        benefits |= gift.plan.benefit_set()
    return benefits


gift_source.anonymous = False


def gift_changes_at(user, *, now: dt.datetime, ip: str | None = None) -> dt.datetime | None:
    """When a gift's months start (after a paid period) or end."""
    if not getattr(user, "is_authenticated", False):
        return None
    moments = []
    for start, end in Gift.objects.filter(redeemed_by=user, state=Gift.State.REDEEMED,
                                          access_until__gt=now).values_list("access_from", "access_until"):
        moments.append(start if start > now else end)
    return min(moments, default=None)


gift_source.changes_at = gift_changes_at


def gift_holdings(user, *, now: dt.datetime, ip: str | None = None) -> list[Holding]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [Holding("gift", f"{gift.plan.name} (a gift)", gift.plan.benefit_set(), gift.access_until)
            for gift in _gifts_open(user, now)]


gift_source.holdings = gift_holdings
