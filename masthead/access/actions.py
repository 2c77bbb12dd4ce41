"""Maintenance actions for the meter (called by the scheduler or by hand)."""

from __future__ import annotations

import datetime as dt

from masthead.core import clock

# Two periods back is as far as the export looks (personal_data.PERIODS_KEPT = 3 months).
KEEP = dt.timedelta(days=100)


def purge_old_meter_reads(now: dt.datetime | None = None) -> int:
    """Delete SQL meter reads older than about three periods; returns how many.

    The Redis store's keys expire by themselves; this is for the SQL store only.
    """
    from masthead.access.meter.base import get_store
    from masthead.access.meter.sql import SqlMeterStore

    store = get_store()
    if not isinstance(store, SqlMeterStore):
        return 0
    return store.purge_before((now or clock.now()) - KEEP)
