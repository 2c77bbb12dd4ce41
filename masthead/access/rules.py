"""The paywall rules in force: the admin's AccessRules row, else the environment defaults.

Read on every metered request, so they are cached: in the shared cache with a short
TTL, bumped when the row is saved (the admin also bumps after saving the section and
tag lists, which are written after the row).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from masthead.access.decision import Rules
from masthead.core.memo import ProcessMemo

CACHE_KEY = "access:rules:v1"
TTL_SECONDS = 30
# A second, in-process layer: every metered read needs the rules, and two seconds of
# staleness in other processes is harmless (the saving process forgets its copy at once).
LOCAL_SECONDS = 2.0
_local: ProcessMemo[Rules] = ProcessMemo(LOCAL_SECONDS)


def defaults() -> Rules:
    """The rules from the MASTHEAD_* settings (before the publisher saves any)."""
    return Rules(
        free_limit=settings.MASTHEAD_FREE_LIMIT,
        period=settings.MASTHEAD_METER_PERIOD,
        teaser_paragraphs=settings.MASTHEAD_TEASER_PARAGRAPHS,
        archive_days=settings.MASTHEAD_ARCHIVE_DAYS,
        registration_wall=settings.MASTHEAD_REGISTRATION_WALL,
        anonymous_meters_per_ip=settings.MASTHEAD_ANONYMOUS_METERS_PER_IP,
        crawler_domains=tuple(settings.MASTHEAD_CRAWLER_DOMAINS),
        crawler_ip_ranges=tuple(settings.MASTHEAD_CRAWLER_IP_RANGES),
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip().lower().rstrip(".") for line in (text or "").splitlines() if line.strip())


def from_row(row) -> Rules:
    """The Rules an AccessRules row describes (with its section and tag slugs)."""
    return Rules(
        free_limit=row.free_limit,
        period=row.period,
        teaser_paragraphs=row.teaser_paragraphs,
        archive_days=row.archive_days,
        registration_wall=row.registration_wall,
        anonymous_meters_per_ip=row.anonymous_meters_per_ip,
        free_sections=frozenset(row.free_sections.values_list("slug", flat=True)),
        premium_sections=frozenset(row.premium_sections.values_list("slug", flat=True)),
        free_tags=frozenset(row.free_tags.values_list("slug", flat=True)),
        premium_tags=frozenset(row.premium_tags.values_list("slug", flat=True)),
        crawler_domains=_lines(row.crawler_domains),
        crawler_ip_ranges=_lines(row.crawler_ip_ranges),
    )


def current_rules() -> Rules:
    """The rules in force now (shared cache, and in-process for LOCAL_SECONDS)."""
    return _local.get(_shared_rules)


def _shared_rules() -> Rules:
    rules = cache.get(CACHE_KEY)
    if rules is None:
        from masthead.access.models import AccessRules

        row = AccessRules.objects.filter(pk=1).first()
        rules = from_row(row) if row is not None else defaults()
        cache.set(CACHE_KEY, rules, TTL_SECONDS)
    return rules


def forget_rules() -> None:
    """Drop the cached rules (after the row or its lists change)."""
    _local.clear()
    cache.delete(CACHE_KEY)
