"""What a reader has now: the one answer every access decision uses.

Sources are listed in settings.MASTHEAD_ENTITLEMENT_SOURCES (dotted paths); each
takes (user, now=..., ip=...) and returns a set of benefits (access.benefits). Billing
(a subscription grants its plan's benefits) and accounts (complimentary and group
grants) add their sources.

The anonymous hot path: a source that can never grant anything to an anonymous reader
says so with an attribute, ``source.anonymous = False``, and is then not called for
anonymous readers at all. A source that can (group access by IP) keeps the default
(True) and must answer an anonymous reader cheaply (cached ranges, no query per read).
A signed-in reader's answer is kept in the versioned cache (core.cache, namespace
"reader", scoped by the user's pk) so a subscriber's read costs no query but the session:
billing and accounts bump the reader's scope whenever a subscription, grant, group
membership or device changes (receivers in their AppConfig.ready()), and the whole
namespace when a plan's or an organisation's benefits change. Time alone changes an
answer too (a paid-through subscription ends, a grant starts): a source may say when its
answer next changes (``source.changes_at(user, now=, ip=)``), and the entry lives no
longer than that. Per request, `for_request()` keeps the answer on the request; it is the
only memo of a reader's benefits.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.module_loading import import_string

from masthead.access.benefits import ALL, Benefit, in_order
from masthead.access.network import client_ip
from masthead.core import cache, clock

REQUEST_ATTRIBUTE = "_masthead_benefits"
# The longest a signed-in reader's benefits are kept without a bump (a safety net: every
# change that matters bumps the reader's version).
READER_SECONDS = 600
NAMESPACE = "reader"


@dataclass(frozen=True)
class Holding:
    """Where some of a reader's access comes from, to tell them (account and checkout pages)."""

    kind: str                       # "subscription", "grant", "organisation" or "staff"
    name: str                       # "Smart Essential", "Press access", "IIT Bombay"
    benefits: frozenset[Benefit]
    until: dt.datetime | None = None

    @property
    def benefit_labels(self) -> list[str]:
        return [b.label for b in in_order(self.benefits)]


def staff_source(user, *, now: dt.datetime, ip: str | None = None) -> set[Benefit]:
    """Staff read everything (editors must see what they publish)."""
    if getattr(user, "is_staff", False) and user.is_active:
        return set(ALL)
    return set()


staff_source.anonymous = False
staff_source.holdings = lambda user, *, now, ip=None: (
    [Holding("staff", "Staff", ALL)] if staff_source(user, now=now, ip=ip) else []
)


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


def holdings(user, *, now: dt.datetime | None = None, ip: str | None = None) -> list[Holding]:
    """Every source of the reader's access at `now`, named (a source says with ``.holdings``)."""
    now = now or clock.now()
    found: list[Holding] = []
    for source in _sources():
        describe = getattr(source, "holdings", None)
        if describe is not None:
            found.extend(describe(user, now=now, ip=ip))
    return found


def changes_at(user, *, now: dt.datetime, ip: str | None = None) -> dt.datetime | None:
    """The next instant any source's answer for this reader changes by time alone, if known."""
    moments = []
    for source in _sources():
        probe = getattr(source, "changes_at", None)
        if probe is not None:
            moment = probe(user, now=now, ip=ip)
            if moment is not None:
                moments.append(moment)
    return min(moments, default=None)


def _kept_seconds(entry) -> float:
    until = entry[1]
    if until is None:
        return READER_SECONDS
    return min(READER_SECONDS, (until - clock.now()).total_seconds())


def cached_for_reader(user, *, ip: str | None = None) -> frozenset[Benefit]:
    """for_reader() at the current time, kept per reader in the versioned cache.

    Anonymous readers are not kept (their answer depends on the address only, and the
    group directory answers that in-process).
    """
    if not getattr(user, "is_authenticated", False):
        return for_reader(user, ip=ip)

    def build():
        now = clock.now()
        return for_reader(user, now=now, ip=ip), changes_at(user, now=now, ip=ip)

    # Everything of the user row a source reads is in the key, so an edit of the user
    # (made staff, deactivated) is never answered from an entry built before it.
    key = cache.stable_key("benefits", cache.version(NAMESPACE), ip, user.is_active, user.is_staff)
    return cache.remember(NAMESPACE, key, build, ttl=_kept_seconds, scope=str(user.pk), local=True)[0]


def reader_changed(user_id) -> None:
    """Something one reader holds changed (subscription, grant, membership, device): retire
    their kept benefits in every process."""
    if user_id is not None:
        cache.bump(NAMESPACE, str(user_id))


def readers_changed() -> None:
    """What many readers hold changed (a plan's or an organisation's benefits)."""
    cache.bump(NAMESPACE)


def for_request(request, user=None, *, now: dt.datetime | None = None) -> frozenset[Benefit]:
    """for_reader() for the request's reader, computed once per request.

    `user` is the reader the access layer resolved (request_user: no session lookup for an
    anonymous reader); without it the request's own user. Every consumer on a page (the
    decision, the ad slots, the account page) reads this one memo.
    """
    if user is None:
        user = getattr(request, "user", None)
    who = user.pk if getattr(user, "is_authenticated", False) else None
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached is not None and cached[0] == who:
        return cached[1]
    if now is None:
        benefits = cached_for_reader(user, ip=client_ip(request))
    else:
        benefits = for_reader(user, now=now, ip=client_ip(request))
    setattr(request, REQUEST_ATTRIBUTE, (who, benefits))
    return benefits


def request_user(request):
    """The logged-in user, or AnonymousUser without touching the session when the
    request carries no session cookie (an anonymous read costs no session lookup)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser()
    return getattr(request, "user", None) or AnonymousUser()
