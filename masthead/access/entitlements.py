"""What a reader has now: the one answer every access decision uses.

Sources are listed in settings.MASTHEAD_ENTITLEMENT_SOURCES (dotted paths); each
takes (user, now=..., ip=...) and returns a set of Benefit values. Billing
(subscriptions) and accounts (complimentary and group grants) add their sources.

The anonymous hot path: a source that can never grant anything to an anonymous reader
says so with an attribute, ``source.anonymous = False``, and is then not called for
anonymous readers at all. A source that can (group access by IP) keeps the default
(True) and must answer an anonymous reader cheaply (cached ranges, no query per read).
Per request, `for_request()` computes the answer once and keeps it on the request, so
it is never stale by more than one request.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools

from django.conf import settings
from django.utils.module_loading import import_string

from masthead.core import clock


class Benefit(str, enum.Enum):
    PREMIUM = "premium"          # premium stories
    METERED = "metered"          # metered stories without counting
    AD_FREE = "ad_free"
    ARCHIVE = "archive"
    EPAPER = "epaper"
    NEWSLETTERS = "newsletters"  # subscriber newsletters
    MARKETS = "markets"          # the market-analysis section
    PARTNER = "partner"          # the partner publication's access code

ALL_BENEFITS = frozenset(Benefit)


def staff_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Staff read everything (editors must see what they publish)."""
    if getattr(user, "is_staff", False) and user.is_active:
        return set(ALL_BENEFITS)
    return set()


staff_source.anonymous = False


def _sources():
    return _imported(tuple(settings.MASTHEAD_ENTITLEMENT_SOURCES))


@functools.lru_cache(maxsize=8)
def _imported(paths: tuple[str, ...]):
    return [import_string(path) for path in paths]


def for_reader(user, *, now: dt.datetime | None = None, ip: str | None = None) -> frozenset[Benefit]:
    """Every benefit the reader holds at `now`, from every configured source."""
    now = now or clock.now()
    anonymous = not getattr(user, "is_authenticated", False)
    benefits: set[Benefit] = set()
    for source in _sources():
        if anonymous and not getattr(source, "anonymous", True):
            continue
        benefits |= source(user, now=now, ip=ip)
    return frozenset(benefits)


def for_request(request, user, *, now: dt.datetime | None = None) -> frozenset[Benefit]:
    """for_reader() for the request's reader, computed once per request.

    Kept on the request as ``request._masthead_benefits`` (a frozenset): the accounts
    app's ``request_benefits()`` (ad slots) reads the same attribute, so a page computes
    the benefits once for the decision and the ads alike.
    """
    cached = getattr(request, "_masthead_benefits", None)
    if cached is not None and getattr(request, "_masthead_benefits_user", user) is user:
        return cached
    from masthead.access.reader import client_ip

    benefits = for_reader(user, now=now, ip=client_ip(request))
    request._masthead_benefits = benefits
    request._masthead_benefits_user = user
    return benefits
