"""machine_time: the one format for times in HTML attributes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from masthead.core.templatetags.masthead_time import machine_time


@pytest.mark.parametrize("value, text", [
    (dt.datetime(2026, 6, 15, 4, 30, 12, 345678, tzinfo=dt.timezone.utc), "2026-06-15T04:30:12Z"),
    (dt.datetime(2026, 12, 1, 0, 15, 59, 999999, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")), "2026-11-30T18:45:59Z"),
    (dt.date(2028, 2, 29), "2028-02-29"),
    (None, ""),
    ("", ""),
])
def test_times_are_given_to_the_second_in_utc(value, text):
    assert machine_time(value) == text


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        machine_time(dt.datetime(2026, 6, 15, 10, 0))
