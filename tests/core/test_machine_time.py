"""machine_time: the one format for times in HTML attributes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from masthead.core.templatetags.masthead_time import machine_time


@pytest.mark.parametrize("value, text", [
    (dt.datetime(2026, 6, 15, 4, 30, 12, 345678, tzinfo=dt.timezone.utc), "2026-06-15T04:30:12+00:00"),
    (dt.datetime(2026, 12, 1, 0, 15, 59, 999999, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")), "2026-12-01T00:15:59+05:30"),
    (dt.date(2028, 2, 29), "2028-02-29"),
    (None, ""),
    ("", ""),
])
def test_times_are_given_to_the_second_with_their_offset(value, text):
    assert machine_time(value) == text


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        machine_time(dt.datetime(2026, 6, 15, 10, 0))


def test_in_a_template_the_time_is_in_the_current_zone():
    from django.template import Context, Template

    html = Template("{% load masthead_time tz %}{% timezone 'Asia/Kolkata' %}{{ t|machine_time }}{% endtimezone %}")

    assert html.render(Context({"t": dt.datetime(2026, 6, 15, 4, 30, 12, 345678, tzinfo=dt.timezone.utc)})) == (
        "2026-06-15T10:00:12+05:30")
