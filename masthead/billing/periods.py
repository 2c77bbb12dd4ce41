"""Billing periods, computed on the publication's calendar (DESIGN decision 4)."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo


def publication_zone() -> zoneinfo.ZoneInfo:
    from masthead.content.publication import current_publication

    return current_publication().zone


def add_months(moment: dt.datetime, months: int, zone: zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """The same local wall-clock time `months` later; the 31st becomes the month's last day."""
    zone = zone or publication_zone()
    local = moment.astimezone(zone)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    shifted = local.replace(year=year, month=month, day=day, tzinfo=None)
    return shifted.replace(tzinfo=zone).astimezone(dt.timezone.utc)


def financial_year(moment: dt.datetime, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """India's financial year (April to March) holding `moment`, e.g. '2026-27'."""
    local = moment.astimezone(zone or publication_zone())
    start = local.year if local.month >= 4 else local.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
