"""The one clock Masthead reads.

Code that needs "now" calls ``clock.now()`` so tests (and browser journeys served
from the same process) can move time with ``clock.travel()`` instead of patching.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterator

from django.utils import timezone

_lock = threading.Lock()
_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def timestamp() -> float:
    """now() as POSIX seconds, without building a datetime (for cache entries' ends)."""
    if _frozen is not None:
        return _frozen.timestamp()
    return time.time() + _offset.total_seconds()


def set_offset(offset: dt.timedelta) -> None:
    global _offset
    with _lock:
        _offset = offset


def freeze(at: dt.datetime | None) -> None:
    global _frozen
    if at is not None and timezone.is_naive(at):
        raise ValueError("clock.freeze() needs an aware datetime")
    with _lock:
        _frozen = at


@contextlib.contextmanager
def travel(to: dt.datetime | dt.timedelta, *, frozen: bool = False) -> Iterator[None]:
    """Move the clock to a moment (or by an offset) for the duration of the block."""
    global _offset, _frozen
    saved = (_offset, _frozen)
    try:
        if isinstance(to, dt.timedelta):
            set_offset(_offset + to)
        elif frozen:
            freeze(to)
        else:
            set_offset(to - timezone.now())
        yield
    finally:
        with _lock:
            _offset, _frozen = saved
