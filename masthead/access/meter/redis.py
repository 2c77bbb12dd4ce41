"""The Redis meter store: one round trip per decision through a Lua script.

Each reader-period is one set of article ids under the key
``<prefix>meter:{<reader>:<period>}`` (the prefix: ``MASTHEAD_METER_KEY_PREFIX``,
"mh:" or under ``MASTHEAD_CACHE_PREFIX`` when set); the braces are a hash tag, so everything a
script touches lives in one Cluster slot. The script runs with EVALSHA, falling back
to EVAL (which also loads it) when the server does not know it yet. Keys expire one
day after their period ends, by Masthead's clock: the script is given how long the key
may live (EXPIRE), not the moment (EXPIREAT) that Redis would compare with its own clock,
so a clock moved by tests (or a server clock a little off) cannot expire a meter early.
The redis driver is imported only in this module.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import redis
from django.conf import settings

from masthead.access.meter.base import MeterResult, MeterStore, remaining
from masthead.core import clock

_GRACE = dt.timedelta(days=1)
_DEFAULT_LIFETIME = dt.timedelta(days=62)


def _script(name: str) -> str:
    return resources.files("masthead.access").joinpath("lua", name).read_text()


class RedisMeterStore(MeterStore):
    """The meter in Redis: a set of article ids per reader-period, one script per decision."""

    def __init__(self, url: str | None = None, *, prefix: str | None = None, client=None):
        self.client = client or redis.Redis.from_url(url or settings.MASTHEAD_METER_REDIS_URL)
        self.prefix = settings.MASTHEAD_METER_KEY_PREFIX if prefix is None else prefix
        # register_script: EVALSHA first, EVAL on NOSCRIPT (after a restart or failover).
        self._count = self.client.register_script(_script("check_and_count.lua"))
        self._merge = self.client.register_script(_script("merge.lua"))

    def key(self, reader_key: str, period_key: str) -> str:
        return f"{self.prefix}meter:{{{reader_key}:{period_key}}}"

    @staticmethod
    def _lifetime(expires_at: dt.datetime | None) -> int:
        """Seconds from now (Masthead's clock) until the key may go: a day after the period."""
        if expires_at is None:
            return int(_DEFAULT_LIFETIME.total_seconds())
        return max(1, int((expires_at + _GRACE - clock.now()).total_seconds()))

    def check_and_count(self, reader_key, period_key, item_id, limit, *, expires_at=None) -> MeterResult:
        allowed, counted_now, already, used = self._count(
            keys=[self.key(reader_key, period_key)], args=[int(item_id), int(limit), self._lifetime(expires_at)]
        )
        return MeterResult(bool(allowed), bool(counted_now), bool(already), int(used), remaining(limit, int(used)))

    def used(self, reader_key, period_key) -> int:
        return int(self.client.scard(self.key(reader_key, period_key)))

    def items(self, reader_key, period_key) -> list[int]:
        return sorted(int(member) for member in self.client.smembers(self.key(reader_key, period_key)))

    def merge(self, from_key, to_key, period_key, limit, *, expires_at=None) -> MeterResult:
        # Two keys in different slots: read one, then add to the other in one script.
        theirs = self.items(from_key, period_key)
        used = int(self._merge(keys=[self.key(to_key, period_key)], args=[self._lifetime(expires_at), *theirs]))
        return MeterResult(used < limit, False, False, used, remaining(limit, used))

    def forget(self, reader_key, period_keys) -> None:
        for period_key in period_keys:
            self.client.delete(self.key(reader_key, period_key))

    def memory_usage(self, reader_key: str, period_key: str) -> int:
        """Bytes Redis holds for one reader-period (MEMORY USAGE, key and value)."""
        return int(self.client.memory_usage(self.key(reader_key, period_key), samples=0) or 0)
