"""Raw funnel events, recorded after each read (access.funnel's observer hook).

A read costs a tuple appended to an in-process buffer; the buffer is written in one
bulk insert when it holds FLUSH_EVENTS events or is FLUSH_SECONDS old (the same bargain
as access.funnel: a process that dies loses at most one buffer). Only reads that matter
to the funnel are kept: metered reads, meter notices and paywalls actually shown.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils import timezone

from masthead.access.decision import Reason
from masthead.core import clock

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
FLUSH_EVENTS = 500

REFERRERS = ("search", "social", "newsletter", "internal", "direct", "other")
DEVICES = ("mobile", "tablet", "desktop", "app")

SEARCH_HOSTS = ("google.", "bing.com", "duckduckgo.com", "search.yahoo.", "yandex.", "baidu.com", "ecosia.org",
                "search.brave.com")
SOCIAL_HOSTS = ("facebook.com", "fb.me", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in", "instagram.com",
                "reddit.com", "whatsapp.com", "wa.me", "telegram.org", "t.me", "youtube.com", "threads.net",
                "news.ycombinator.com")
NEWSLETTER_MEDIUMS = ("email", "e-mail", "newsletter")

_TABLET = re.compile(r"ipad|tablet|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|phone", re.I)

_lock = threading.Lock()
_buffer: list[tuple] = []
_started = time.monotonic()


def reader_hash(meter_key: str) -> str:
    """A keyed hash of a meter key: the same reader links up, the key cannot be read back."""
    return hmac.new(settings.SECRET_KEY.encode(), meter_key.encode(), hashlib.sha256).hexdigest()[:16]


def _host_matches(host: str, names) -> bool:
    """'google.' matches google.co.in and news.google.com; 't.co' matches t.co and its subdomains."""
    for name in names:
        if name.endswith("."):
            if host.startswith(name) or f".{name}" in host:
                return True
        elif host == name or host.endswith("." + name):
            return True
    return False


def referrer_class(referer: str, query: str = "", own_host: str = "") -> str:
    """search, social, newsletter, internal, direct or other: where the read came from.

    A newsletter link is known by its utm_medium (email, newsletter) or utm_source;
    otherwise the Referer's host decides. No Referer is 'direct'.
    """
    params = parse_qs(query or "")
    medium = (params.get("utm_medium", [""])[0] or "").lower()
    source = (params.get("utm_source", [""])[0] or "").lower()
    if medium in NEWSLETTER_MEDIUMS or "newsletter" in source:
        return "newsletter"
    if not referer:
        return "direct"
    host = (urlsplit(referer).hostname or "").lower().removeprefix("www.")
    if not host:
        return "other"
    if own_host and host == own_host.lower().split(":")[0].removeprefix("www."):
        return "internal"
    if host.startswith(("mail.", "outlook.")) or ".mail." in host:  # webmail: a newsletter link without tags
        return "newsletter"
    if _host_matches(host, SEARCH_HOSTS):
        return "search"
    if _host_matches(host, SOCIAL_HOSTS):
        return "social"
    return "other"


def device_class(user_agent: str, channel: str = "web") -> str:
    """mobile, tablet, desktop, or app (the JSON API's readers)."""
    if channel == "api":
        return "app"
    if _TABLET.search(user_agent or ""):
        return "tablet"
    if _MOBILE.search(user_agent or ""):
        return "mobile"
    return "desktop"


def kinds_for(result) -> list[tuple[str, str]]:
    """The funnel events one read stands for: (kind, reason) pairs."""
    decision = result.decision
    if result.cookie_check:
        return []  # a redirect to check cookies, not a page the reader saw
    if decision.granted:
        found = []
        if decision.reason is Reason.METERED:
            found.append(("metered_read", ""))
        if decision.metered and result.notice:
            found.append(("meter_notice", ""))
        return found
    return [("paywall_view", paywall_reason(decision.reason))]


def paywall_reason(reason: Reason) -> str:
    """limit, premium, archive, registration or cookies."""
    return {
        Reason.LIMIT_REACHED: "limit", Reason.PREMIUM: "premium", Reason.ARCHIVE: "archive",
        Reason.REGISTRATION_REQUIRED: "registration", Reason.COOKIES_REQUIRED: "cookies",
    }.get(reason, reason.value)


def observe(request, result, channel: str) -> None:
    """access.funnel observer: buffer the read's funnel events."""
    found = kinds_for(result)
    if not found:
        return
    meta = getattr(request, "META", {}) if request is not None else {}
    try:
        own = request.get_host() if request is not None else ""
    except Exception:  # a disallowed Host is not ours to judge here
        own = ""
    referrer = referrer_class(meta.get("HTTP_REFERER", ""), meta.get("QUERY_STRING", ""), own)
    device = device_class(meta.get("HTTP_USER_AGENT", ""), channel)
    key = result.reader.meter_key
    now = clock.now()
    day = timezone.localdate(now)
    facts = result.facts
    variant = result.variant.key if result.variant is not None else ""
    who = reader_hash(key) if key else ""
    rows = [(now, day, kind, reason, facts.pk, facts.section_slug or "", referrer, device, channel[:8], variant, who)
            for kind, reason in found]
    record_rows(rows)


def record_rows(rows: list[tuple]) -> None:
    """Add rows to the buffer; flush when it is full or old (never fails the read)."""
    global _started
    with _lock:
        if not _buffer:
            _started = time.monotonic()
        _buffer.extend(rows)
        due = len(_buffer) >= FLUSH_EVENTS or time.monotonic() - _started >= FLUSH_SECONDS
    if due:
        try:
            flush()
        except Exception:
            logger.exception("funnel events could not be written; kept for the next flush")


FIELDS = ("at", "day", "kind", "reason", "article_id", "section", "referrer", "device", "channel", "variant", "reader")


def flush() -> int:
    """Write the buffer to analytics.Event; returns how many rows."""
    from masthead.analytics.models import Event

    with _lock:
        rows = list(_buffer)
        _buffer.clear()
    if not rows:
        return 0
    try:
        Event.objects.bulk_create([Event(**dict(zip(FIELDS, row))) for row in rows], batch_size=2000)
    except Exception:
        with _lock:
            _buffer[:0] = rows
        raise
    return len(rows)


def pending() -> list[tuple]:
    with _lock:
        return list(_buffer)


def discard() -> None:
    with _lock:
        _buffer.clear()


def flush_quietly() -> None:
    try:
        flush()
    except Exception:
        logger.warning("analytics events lost at exit", exc_info=True)
