"""The meter store interface. Stores: SQL (meter/sql.py, default) and Redis (meter/redis.py).

Chosen by settings.MASTHEAD_METER_STORE (a dotted path); one contract test suite
(tests/access/test_meter_contract.py) runs against every store.
"""

from __future__ import annotations

import abc
import datetime as dt
import functools

from django.conf import settings
from django.utils.module_loading import import_string

from masthead.access.decision import MeterResult

__all__ = ["MeterResult", "MeterStore", "get_store", "reset_store"]


class MeterStore(abc.ABC):
    """Counts distinct items per (reader, period). Every method is safe under concurrency."""

    @abc.abstractmethod
    def check_and_count(
        self, reader_key: str, period_key: str, item_id: int, limit: int, *, expires_at: dt.datetime | None = None
    ) -> MeterResult:
        """Atomically: an item already counted is allowed and counts nothing; otherwise it is
        counted and allowed while fewer than `limit` are counted, else refused.
        `expires_at` is when the store may forget this period (after it ends)."""

    @abc.abstractmethod
    def used(self, reader_key: str, period_key: str) -> int:
        """How many distinct items the reader has counted in the period."""

    @abc.abstractmethod
    def items(self, reader_key: str, period_key: str) -> list[int]:
        """The items counted in the period, sorted (for the reader's data export)."""

    @abc.abstractmethod
    def merge(
        self, from_key: str, to_key: str, period_key: str, limit: int, *, expires_at: dt.datetime | None = None
    ) -> MeterResult:
        """Add every item counted for `from_key` to `to_key` (at login). The source keeps its
        items, so logging out again resets nothing. Items already read stay readable, so the
        union is not cut to `limit`: the result's remaining is what is left under it."""

    @abc.abstractmethod
    def forget(self, reader_key: str, period_keys: list[str]) -> None:
        """Erase the reader's meter for the given periods (account deletion)."""


@functools.cache
def get_store() -> MeterStore:
    """The configured store, created once per process (it holds a client, not state)."""
    return import_string(settings.MASTHEAD_METER_STORE)()


def reset_store() -> None:
    """Forget the store instance (tests that switch MASTHEAD_METER_STORE)."""
    get_store.cache_clear()


def remaining(limit: int, used: int) -> int:
    """Free reads left under the limit (never negative)."""
    return max(0, limit - used)
