"""{{ moment|machine_time }}: a time as HTML's machine-readable attributes want it.

HTML's `datetime` attribute takes at most three digits of fractional seconds, and stored
times carry six; pages give times to the second, in UTC (the reader's local time is in
the text beside it).
"""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def machine_time(value: dt.datetime | dt.date | None) -> str:
    """'2026-06-15T04:30:12Z' for an aware datetime, '2026-06-15' for a date, '' for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("machine_time() needs an aware datetime")
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
