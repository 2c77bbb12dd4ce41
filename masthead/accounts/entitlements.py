"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES).

Complimentary grants (staff give them with a reason and an end date) and group access
(organisations by verified e-mail domain or by request IP). Cheap for anonymous
readers: only the cached IP table is consulted, and not even that when no organisation
has IP ranges.
"""

from __future__ import annotations

import datetime as dt

from masthead.access.benefits import Benefit
from masthead.access.entitlements import Holding
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


def grant_changes_at(user, *, now: dt.datetime, ip: str | None = None) -> dt.datetime | None:
    """When this source's answer next changes by time alone: a grant or an organisation's
    access starting or ending (the cache of the reader's benefits lives no longer)."""
    from masthead.accounts.models import ComplimentaryGrant

    moments = [moment for group in groups.directory().groups
               for moment in (group.starts_at, group.ends_at) if moment is not None and moment > now]
    if user is not None and getattr(user, "is_authenticated", False):
        for starts_at, ends_at in ComplimentaryGrant.objects.filter(user=user, ends_at__gt=now).values_list(
            "starts_at", "ends_at"
        ):
            moments.append(starts_at if starts_at > now else ends_at)
    return min(moments, default=None)


grant_source.changes_at = grant_changes_at


def grant_holdings(user, *, now: dt.datetime, ip: str | None = None) -> list[Holding]:
    """The reader's open complimentary grants and organisations (by domain or address), named."""
    from masthead.accounts.models import ComplimentaryGrant

    found = [Holding("organisation", group.name, group.benefits, group.ends_at)
             for group in groups.groups_by_ip(ip, now=now)]
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active:
        for grant in ComplimentaryGrant.objects.filter(user=user, starts_at__lte=now, ends_at__gt=now):
            found.append(Holding("grant", f"{grant.get_reason_display()} access", frozenset(grant.benefit_set()),
                                 grant.ends_at))
        known = {h.name for h in found if h.kind == "organisation"}
        found += [Holding("organisation", group.name, group.benefits, group.ends_at)
                  for group in groups.groups_by_domain(user, now=now) if group.name not in known]
    return found


grant_source.holdings = grant_holdings
