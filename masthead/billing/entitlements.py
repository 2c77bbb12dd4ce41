"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES):
a subscription that grants access opens exactly its plan's benefits."""

from __future__ import annotations

import datetime as dt

from masthead.access.benefits import Benefit
from masthead.access.entitlements import Holding
from masthead.billing.models import Subscription


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
