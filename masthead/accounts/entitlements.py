"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES).

Complimentary grants (staff give them with a reason and an end date) and group access
(organisations by verified e-mail domain or by request IP). Cheap for anonymous
readers: only the cached IP table is consulted, and not even that when no organisation
has IP ranges.
"""

from __future__ import annotations

import datetime as dt

from masthead.access.entitlements import Benefit
from masthead.accounts import groups


def complimentary_benefits(user, *, now: dt.datetime) -> set[Benefit]:
    """Benefits from the user's complimentary grants open at `now`."""
    from masthead.accounts.models import ComplimentaryGrant

    benefits: set[Benefit] = set()
    for grant in ComplimentaryGrant.objects.filter(user=user, starts_at__lte=now, ends_at__gt=now):
        benefits |= grant.benefit_set()
    return benefits


def grant_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Complimentary and group benefits of the reader (anonymous readers: by IP only)."""
    benefits = groups.benefits_by_ip(ip, now=now)
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active:
        benefits |= complimentary_benefits(user, now=now)
        benefits |= groups.benefits_by_domain(user, now=now)
    return benefits
