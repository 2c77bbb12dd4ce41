"""Meter periods: a calendar month in the publication's time zone, or 30-day periods."""

from __future__ import annotations

import datetime as dt
import zoneinfo

MONTH = "month"
THIRTY_DAYS = "30days"
_EPOCH = dt.date(2000, 1, 1)


def period_key(now: dt.datetime, period: str, zone: zoneinfo.ZoneInfo) -> str:
    """A short key naming the period `now` falls in, e.g. "2026-12" or "d30-392"."""
    local = now.astimezone(zone)
    if period == THIRTY_DAYS:
        return f"d30-{(local.date() - _EPOCH).days // 30}"
    return f"{local.year:04d}-{local.month:02d}"


def period_end(now: dt.datetime, period: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first instant after the period `now` falls in (aware, UTC)."""
    local = now.astimezone(zone)
    if period == THIRTY_DAYS:
        index = (local.date() - _EPOCH).days // 30
        first = _EPOCH + dt.timedelta(days=30 * (index + 1))
    else:
        first = dt.date(local.year + (local.month == 12), local.month % 12 + 1, 1)
    return dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)


def recent_period_keys(now: dt.datetime, period: str, zone: zoneinfo.ZoneInfo, count: int = 3) -> list[str]:
    """The current period's key and the `count - 1` before it (export and erasure)."""
    keys, moment = [], now
    for _ in range(count):
        keys.append(period_key(moment, period, zone))
        if period == THIRTY_DAYS:
            moment = moment - dt.timedelta(days=30)
        else:
            # An hour before this month's first midnight is in the month before.
            first = dt.datetime.combine(moment.astimezone(zone).date().replace(day=1), dt.time(), tzinfo=zone)
            moment = first - dt.timedelta(hours=1)
    return keys
