"""{{ moment|machine_time }}: a time as HTML's `datetime` attributes want it.

HTML takes at most three digits of fractional seconds, and stored times carry six; pages
give times to the second with their UTC offset. In a template the time is first moved to
the current time zone (the publication's, activated for every request by
content.middleware), as Django's own date filter does.
"""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def machine_time(value: dt.datetime | dt.date | None) -> str:
    """'2026-06-15T10:00:12+05:30' for an aware datetime (in its own zone), '2026-06-15'
    for a date, '' for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ValueError("machine_time() needs an aware datetime")
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
