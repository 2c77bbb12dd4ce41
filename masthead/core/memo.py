"""A value read from a shared store, kept in this process for a moment.

Version tokens (the content version, the accounts configuration stamp) are read on
every request; with Redis that is a network round trip each time. Keeping the token for
``MASTHEAD_TOKEN_SECONDS`` (default 1 s) turns that into one read per second per
process, at the price of other processes seeing a change up to that long after it is
made. A change made in this process is seen here at once (``put``/``clear``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


class ProcessMemo(Generic[T]):
    """One value kept for `seconds` (default: settings.MASTHEAD_TOKEN_SECONDS)."""

    def __init__(self, seconds: float | None = None) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._value: T | None = None
        self._until = 0.0

    @property
    def seconds(self) -> float:
        return settings.MASTHEAD_TOKEN_SECONDS if self._seconds is None else self._seconds

    def get(self, load: Callable[[], T]) -> T:
        seconds = self.seconds
        if seconds <= 0:
            return load()
        now = time.monotonic()
        value, until = self._value, self._until
        if value is not None and now < until:
            return value
        value = load()
        with self._lock:
            self._value, self._until = value, now + seconds
        return value

    def put(self, value: T) -> None:
        with self._lock:
            self._value, self._until = value, time.monotonic() + self.seconds

    def clear(self) -> None:
        with self._lock:
            self._value, self._until = None, 0.0
