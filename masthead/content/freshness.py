"""How long content may be served from the cache: the content version and the next scheduled story.

Listing pages (home, sections, archive, feeds, sitemaps) and the article facts are built
from data kept in the versioned cache (masthead.core.cache) under the "content"
namespace. Two things end an entry:

- a *bump* of the content namespace: every change an editor or the wire makes (the
  content actions, and the receivers in ContentConfig.ready() for saves and deletes of
  any content row, in the admin or the ORM);
- the *next scheduled story*: an article scheduled for 10:00 must be on the front page at
  10:00 with no job running, so no entry outlives the earliest future ``published_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from masthead.core import cache, clock

T = TypeVar("T")

NAMESPACE = "content"
DEFAULT_TTL = dt.timedelta(minutes=5)
# How long "nothing is scheduled" (or a far-off story) is believed without a bump.
SCHEDULE_TTL = dt.timedelta(hours=1)


def version() -> str:
    """The current content version token."""
    return cache.version(NAMESPACE)


def content_changed() -> None:
    """Retire every cached listing, page and article fact: now, and again on commit."""
    cache.bump(NAMESPACE)


def content_changed_receiver(sender=None, **kwargs) -> None:
    """Any content row was saved or deleted (connected in ContentConfig.ready())."""
    cache.bump(NAMESPACE)


def _upcoming(now: dt.datetime) -> dt.datetime | None:
    from masthead.content.models import Article

    return (
        Article.objects.filter(
            status__in=[Article.Status.SCHEDULED, Article.Status.PUBLISHED], published_at__gt=now
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def next_scheduled_at(now: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest ``published_at`` still in the future, or None. Cached per version,
    and never past that moment."""
    now = now or clock.now()

    def lifetime(upcoming: dt.datetime | None) -> dt.timedelta:
        if upcoming is None:
            return SCHEDULE_TTL
        return min(SCHEDULE_TTL, upcoming - now)

    return cache.remember(NAMESPACE, "next-scheduled", lambda: _upcoming(now), ttl=lifetime, local=True)


def valid_until(now: dt.datetime, ttl: dt.timedelta = DEFAULT_TTL) -> dt.datetime:
    """When an entry built at ``now`` stops being servable."""
    limit = now + ttl
    upcoming = next_scheduled_at(now)
    if upcoming is not None and upcoming < limit:
        return upcoming
    return limit


def lifetime(ttl: dt.timedelta = DEFAULT_TTL) -> Callable[[object], dt.timedelta]:
    """A ttl for core.cache: `ttl`, cut short by the next scheduled story."""

    def until(_value) -> dt.timedelta:
        now = clock.now()
        return valid_until(now, ttl) - now

    return until


def remember(name: str, build: Callable[[], T], *, ttl: dt.timedelta = DEFAULT_TTL, local: bool = False) -> T:
    """``build()``'s result, cached under the content version until it may go stale."""
    return cache.remember(NAMESPACE, name, build, ttl=lifetime(ttl), local=local)
