"""One way to write dates and times, on pages, in e-mails, on invoices and in the admin.

"2 December 2027" for a day, "2 Dec 2027" where space is short, and 24-hour times
("2 Dec 2027, 14:05"). Aware datetimes are shown in the zone given, else the active one
(the publication's on the site, in the admin and in e-mails).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import dateformat, timezone

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"


def _local(value: dt.date, zone: zoneinfo.ZoneInfo | None):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, zone)
    return value


def _format(value, fmt: str, zone) -> str:
    if value in (None, ""):
        return ""
    return dateformat.format(_local(value, zone), fmt)


def long_date(value: dt.date | None, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """2 December 2027."""
    return _format(value, DATE_FORMAT, zone)


def short_date(value: dt.date | None, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """2 Dec 2027."""
    return _format(value, SHORT_DATE_FORMAT, zone)


def date_time(value: dt.datetime | None, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """2 Dec 2027, 14:05 (24-hour)."""
    return _format(value, SHORT_DATETIME_FORMAT, zone)
