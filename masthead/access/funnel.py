"""Funnel events (metered read, paywall shown with its reason, login from paywall).

Recorded off the hot path: events go into an in-process buffer of counters and are
written in bulk (one upsert per distinct counter) when the buffer is older than
FLUSH_SECONDS or holds FLUSH_EVENTS events, so a read costs a dict update. A process
that dies loses at most one buffer: these are analytics, not money.
"""

from __future__ import annotations

import collections
import logging
import threading
import time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masthead.core import clock, metrics

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
FLUSH_EVENTS = 200

_lock = threading.Lock()
_buffer: collections.Counter = collections.Counter()
_started = time.monotonic()


def record(kind: str, reason: str = "", channel: str = "web") -> None:
    """Count one event; flushes the buffer now and then (never fails the request)."""
    global _started
    metrics.funnel_event(kind, reason, channel)
    # The publication's day: its zone is the current one in every request.
    day = timezone.localdate(clock.now())
    with _lock:
        if not _buffer:
            _started = time.monotonic()
        _buffer[(day, kind, reason, channel)] += 1
        due = sum(_buffer.values()) >= FLUSH_EVENTS or time.monotonic() - _started >= FLUSH_SECONDS
    if due:
        try:
            flush()
        except Exception:
            logger.exception("funnel events could not be written; kept for the next flush")


def pending() -> dict:
    """The counters not yet written (tests, diagnostics)."""
    with _lock:
        return dict(_buffer)


def discard() -> None:
    """Drop the buffer without writing it (tests)."""
    with _lock:
        _buffer.clear()


def flush() -> int:
    """Write the buffered counters to access.FunnelEvent; returns how many events."""
    from masthead.access.models import FunnelEvent

    with _lock:
        counts = dict(_buffer)
        _buffer.clear()
    if not counts:
        return 0
    try:
        with transaction.atomic():
            FunnelEvent.objects.bulk_create(
                [FunnelEvent(day=d, kind=k, reason=r, channel=c, count=0) for (d, k, r, c) in counts],
                ignore_conflicts=True,
            )
            for (d, k, r, c), n in counts.items():
                FunnelEvent.objects.filter(day=d, kind=k, reason=r, channel=c).update(count=F("count") + n)
    except Exception:  # analytics must never break a read; put the counts back
        with _lock:
            for key, n in counts.items():
                _buffer[key] += n
        raise
    return sum(counts.values())


def flush_quietly() -> None:
    """flush() for process exit (registered in AccessConfig.ready): never raises."""
    try:
        flush()
    except Exception:
        logger.warning("funnel events lost at exit", exc_info=True)


# --- observers: apps above access that want each read (analytics' funnel by section,
# referrer, device and experiment arm). Registered in their AppConfig.ready().

_observers: list = []


def register_observer(observer) -> None:
    """Call `observer(request, read, channel)` after every access.read() (once per function)."""
    if observer not in _observers:
        _observers.append(observer)


def observe(request, result, channel: str) -> None:
    """Tell the observers about one read; an observer's failure never fails the read."""
    for observer in _observers:
        try:
            observer(request, result, channel)
        except Exception:
            logger.exception("a funnel observer failed")
