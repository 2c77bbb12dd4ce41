"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES)."""

from __future__ import annotations

import datetime as dt

from masthead.access.entitlements import ALL_BENEFITS, Benefit

GRANTING_STATES = ("active", "past_due", "cancelled")


def plan_benefits(plan) -> set[Benefit]:
    """What a plan opens. Every plan opens everything a subscription includes today;
    a publisher selling a narrower plan would say so here."""
    return set(ALL_BENEFITS)


def subscription_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Benefits from a paid subscription: active, overdue within grace, or cancelled but paid through.

    `access_until` is written by the state machine on every change, so this is one
    indexed query and the answer changes on the reader's next request after a webhook.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    from masthead.billing.models import Subscription

    benefits: set[Benefit] = set()
    for sub in Subscription.objects.filter(user=user, state__in=GRANTING_STATES, access_until__gt=now).select_related("plan"):
        benefits |= plan_benefits(sub.plan)
    return benefits
