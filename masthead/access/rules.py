"""The paywall rules in force: the admin's AccessRules row, else the environment defaults.

Read on every metered request, so they are kept in each process under the "rules"
version (masthead.core.cache). Saving the row or changing its section and tag lists
bumps that version (receivers in AccessConfig.ready()), and every process sees the bump
within MASTHEAD_TOKEN_SECONDS.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from masthead.access.decision import Rules
from masthead.core import cache

NAMESPACE = "rules"
TTL = dt.timedelta(hours=1)


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
        market_sections=frozenset(row.market_sections.values_list("slug", flat=True)),
        crawler_domains=_lines(row.crawler_domains),
        crawler_ip_ranges=_lines(row.crawler_ip_ranges),
    )


def current_rules() -> Rules:
    """The rules in force now."""
    return cache.remember(NAMESPACE, "current", _load, ttl=TTL, local=True)


def _load() -> Rules:
    from masthead.access.models import AccessRules

    row = AccessRules.objects.filter(pk=1).first()
    return from_row(row) if row is not None else defaults()


def rules_changed(sender=None, **kwargs) -> None:
    """The rules row or one of its lists changed (connected in AccessConfig.ready())."""
    cache.bump(NAMESPACE)


def defaults_changed(setting: str = "", **kwargs) -> None:
    """A MASTHEAD_* default changed (Django's setting_changed, under tests)."""
    if setting.startswith("MASTHEAD_"):
        cache.bump(NAMESPACE)
