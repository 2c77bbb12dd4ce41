"""The reader behind a request: an account, an anonymous meter cookie, or a crawler.

Anonymous readers are metered by a signed cookie (django.core.signing), HttpOnly,
SameSite=Lax, kept 400 days (the longest browsers allow). It is not the session: an
anonymous read never touches the session store. Logged-in readers are metered by
account. The request's user is only looked at when a session cookie is present, so
an anonymous read costs no session lookup.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils import timezone

from masthead.access import crawlers
from masthead.access.decision import ReaderFacts, Rules
from masthead.access.entitlements import request_user
from masthead.access.network import client_ip

COOKIE_SALT = "masthead.access.meter"
COOKIE_MAX_AGE = 400 * 24 * 3600
CAPPED_FLAG = "c"    # counted against its address's daily cap, and over it
COUNTED_FLAG = "k"   # counted against its address's daily cap, within it
# The query marker on the one redirect that checks a new client keeps cookies.
COOKIE_CHECK_PARAM = "m"


@dataclass
class Reader:
    """Who is reading, and what the response must do about the meter cookie."""

    facts: ReaderFacts
    user: object = field(default_factory=AnonymousUser)
    ip: str | None = None
    new_cookie: str | None = None      # a meter id to set on the response
    cookies_refused: bool = False      # came back from the cookie check without the cookie

    @property
    def meter_key(self) -> str | None:
        return self.facts.meter_key

    @property
    def is_authenticated(self) -> bool:
        return self.facts.is_authenticated


def _signer() -> signing.Signer:
    return signing.Signer(salt=COOKIE_SALT)


def cookie_value(meter_id: str, *, capped: bool = False, flag: str = "") -> str:
    """The signed meter cookie value for a meter id (and its address-cap flag)."""
    flag = CAPPED_FLAG if capped else flag
    return _signer().sign(f"{meter_id}.{flag}" if flag else meter_id)


@functools.lru_cache(maxsize=4096)
def _verified(value: str, key: str, fallbacks: tuple[str, ...] = ()) -> tuple[str, str] | None:
    # Memoised by (cookie, secret key, retired keys): checking the signature is an HMAC per
    # read, and the same reader sends the same cookie on every request.
    try:
        raw = _signer().unsign(value)
    except signing.BadSignature:
        return None
    meter_id, _, flag = raw.partition(".")
    return (meter_id, flag) if meter_id else None


def read_cookie_flag(value: str | None) -> tuple[str, str] | None:
    """(meter id, flag) from a cookie value, or None if absent or forged."""
    if not value or len(value) > 200:
        return None
    return _verified(value, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def read_cookie(value: str | None) -> tuple[str, bool] | None:
    """(meter id, capped) from a cookie value, or None if absent or forged."""
    found = read_cookie_flag(value)
    return (found[0], found[1] == CAPPED_FLAG) if found else None


def address_block(ip: str | None) -> str | None:
    """The unit the per-address cap counts: the IPv4 address, or the IPv6 /64."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def for_request(request, rules: Rules, *, now=None) -> Reader:
    """Build the reader for a request (cached on the request)."""
    cached = getattr(request, "_masthead_reader", None)
    if cached is not None:
        return cached
    reader = _build(request, rules, now=now)
    request._masthead_reader = reader
    return reader


def _build(request, rules: Rules, *, now=None) -> Reader:
    ip = client_ip(request)
    if crawlers.is_verified_crawler(ip, request.META.get("HTTP_USER_AGENT", ""), rules):
        return Reader(ReaderFacts(None, is_verified_crawler=True), ip=ip)
    user = request_user(request)
    if user.is_authenticated:
        return Reader(ReaderFacts(f"u:{user.pk}", is_authenticated=True), user=user, ip=ip)
    found = read_cookie_flag(request.COOKIES.get(settings.MASTHEAD_METER_COOKIE))
    if found is not None:
        meter_id, flag = found
        if rules.anonymous_meters_per_ip and not flag:
            # First time this meter is seen back under a cap: count it against its address
            # now (once per cookie). Counting only cookies that come back means a client
            # that keeps none cannot use up an address's allowance.
            flag = _count_against_address(meter_id, ip, rules, now=now)
            reader = Reader(ReaderFacts(f"a:{meter_id}", over_ip_cap=flag == CAPPED_FLAG), user=user, ip=ip)
            reader.new_cookie = cookie_value(meter_id, flag=flag)
            return reader
        return Reader(ReaderFacts(f"a:{meter_id}", over_ip_cap=flag == CAPPED_FLAG), user=user, ip=ip)
    return Reader(
        ReaderFacts(None), user=user, ip=ip, cookies_refused=COOKIE_CHECK_PARAM in request.GET
    )


def _count_against_address(meter_id: str, ip: str | None, rules: Rules, *, now=None) -> str:
    """Count a meter against its address's daily cap; the cookie flag that records it."""
    block = address_block(ip)
    if not block:
        return COUNTED_FLAG
    from masthead.access.meter.base import get_store
    from masthead.core import clock

    item = int.from_bytes(hashlib.sha256(meter_id.encode()).digest()[:7], "big")
    now = now or clock.now()
    result = get_store().check_and_count(
        f"ip:{block}", f"day-{timezone.localdate(now):%Y-%m-%d}", item, rules.anonymous_meters_per_ip,
        expires_at=now + dt.timedelta(days=1),
    )
    return COUNTED_FLAG if result.allowed else CAPPED_FLAG


def issue_cookie(reader: Reader, rules: Rules, *, now) -> str:
    """A new meter id for a reader without one. Returns the signed cookie value to set."""
    reader.new_cookie = cookie_value(secrets.token_urlsafe(12))
    return reader.new_cookie


def cookie_check_url(request) -> str:
    """Where a client without the meter cookie is sent once: the same page with the marker."""
    query = request.GET.copy()
    query[COOKIE_CHECK_PARAM] = "1"
    return f"{request.path}?{query.urlencode()}"


def back_from_cookie_check(request, reader: Reader) -> bool:
    """The client came back from the cookie check carrying the cookie."""
    return bool(reader.meter_key) and COOKIE_CHECK_PARAM in request.GET


def without_check_marker(request) -> str:
    """The page's address without the cookie-check marker."""
    query = request.GET.copy()
    query.pop(COOKIE_CHECK_PARAM, None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def set_cookie(response, reader: Reader) -> None:
    """Put a newly issued meter cookie on the response."""
    if reader.new_cookie:
        response.set_cookie(
            settings.MASTHEAD_METER_COOKIE,
            reader.new_cookie,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=False,  # SecureCookiesOverTLS marks it Secure on HTTPS
        )
