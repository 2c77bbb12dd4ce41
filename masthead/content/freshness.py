"""How long a cached listing may be served: the content version and the next scheduled story.

Listing pages (home, sections, archive, feeds, sitemaps) are built from cached data so an
anonymous reader's request does no database work. Two things end a cached entry:

- the *content version*, a token that every change an editor or the wire makes replaces
  (``content_changed()``, called by content.actions and by the models' ``save``);
- the *next scheduled story*: an article scheduled for 10:00 must be on the front page at
  10:00 with no job running, so no entry outlives the earliest future ``published_at``.

Where the token lives depends on whether the cache is shared. With Redis every process
sees one cache, so the token is a cache key. The embedded default's cache is per process
(locmem), so the token is a small file in the data dir that every worker reads: a change
made in the admin's process reaches every server worker at once.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from masthead.core import clock
from masthead.core.memo import ProcessMemo

T = TypeVar("T")

VERSION_KEY = "content:version"
DEFAULT_TTL = dt.timedelta(minutes=5)
_NOTHING_SCHEDULED = "none"


# The last token this process read from the version file, by path, with the file's stat.
_last_read: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _cache_is_shared() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _version_file() -> Path:
    return settings.DATA_DIR / "content-version"


_memo: ProcessMemo[str] = ProcessMemo()


def version() -> str:
    """The current content version token (kept in-process for MASTHEAD_TOKEN_SECONDS)."""
    return _memo.get(_read_version)


def _read_version() -> str:
    if _cache_is_shared():
        token = cache.get(VERSION_KEY)
        if token is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(VERSION_KEY)
        return token
    path = _version_file()
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "0"
    # Every bump renames a new file into place, so (inode, mtime, size) changes with the
    # token; a stat is much cheaper than reading the file on every request.
    signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _last_read.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    try:
        token = path.read_text() or "0"
    except FileNotFoundError:
        return "0"
    _last_read[path] = (signature, token)
    return token


def _bump() -> None:
    token = uuid.uuid4().hex
    _memo.put(token)
    if _cache_is_shared():
        cache.set(VERSION_KEY, token, timeout=None)
        return
    path = _version_file()
    # Written aside and renamed so a reader never sees a half-written token.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{token[:8]}")
    tmp.write_text(token)
    os.replace(tmp, path)


def content_changed() -> None:
    """Retire every cached listing: now, and again when the current transaction commits.

    The second bump matters: a reader whose request runs between the first bump and the
    commit rebuilds from the old rows, and that entry must not survive the commit.
    """
    _bump()
    transaction.on_commit(_bump)


def next_scheduled_at(now: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest ``published_at`` still in the future, or None. Cached per version."""
    from masthead.content.models import Article

    now = now or clock.now()
    key = f"content:{version()}:next-scheduled"
    cached = cache.get(key)
    if cached == _NOTHING_SCHEDULED:
        return None
    if isinstance(cached, dt.datetime) and cached > now:
        return cached
    upcoming = (
        Article.objects.filter(
            status__in=[Article.Status.SCHEDULED, Article.Status.PUBLISHED], published_at__gt=now
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set(key, upcoming or _NOTHING_SCHEDULED, timeout=int(DEFAULT_TTL.total_seconds()) * 12)
    return upcoming


def valid_until(now: dt.datetime, ttl: dt.timedelta = DEFAULT_TTL) -> dt.datetime:
    """When an entry built at ``now`` stops being servable."""
    limit = now + ttl
    upcoming = next_scheduled_at(now)
    if upcoming is not None and upcoming < limit:
        return upcoming
    return limit


def remember(name: str, build: Callable[[], T], *, ttl: dt.timedelta = DEFAULT_TTL) -> T:
    """``build()``'s result, cached under the content version until it may go stale."""
    now = clock.now()
    key = f"content:{version()}:{name}"
    entry = cache.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = build()
    until = valid_until(now, ttl)
    cache.set(key, (until, value), timeout=max(1, int((until - now).total_seconds()) + 1))
    return value
