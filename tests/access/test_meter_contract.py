"""One contract for every meter store (SQL and Redis), as Django's session backends have."""

from __future__ import annotations

import pytest

from masthead.access.decision import MeterResult

pytestmark = pytest.mark.django_db


def test_a_new_item_is_counted_and_allowed(store):
    assert store.check_and_count("a:one", "2026-12", 101, 3) == MeterResult(True, True, False, 1, 2)
    assert store.used("a:one", "2026-12") == 1


def test_re_reading_a_counted_item_is_allowed_and_counts_nothing(store):
    store.check_and_count("a:one", "2026-12", 101, 3)

    assert store.check_and_count("a:one", "2026-12", 101, 3) == MeterResult(True, False, True, 1, 2)
    assert store.used("a:one", "2026-12") == 1


def test_the_item_past_the_limit_is_refused_and_not_counted(store):
    for item in (1, 2, 3):
        store.check_and_count("a:one", "2026-12", item, 3)

    assert store.check_and_count("a:one", "2026-12", 4, 3) == MeterResult(False, False, False, 3, 0)
    assert store.used("a:one", "2026-12") == 3
    assert store.items("a:one", "2026-12") == [1, 2, 3]


def test_a_counted_item_stays_readable_after_the_limit(store):
    for item in (1, 2, 3):
        store.check_and_count("a:one", "2026-12", item, 3)

    assert store.check_and_count("a:one", "2026-12", 2, 3) == MeterResult(True, False, True, 3, 0)


def test_periods_and_readers_are_separate(store):
    store.check_and_count("a:one", "2026-11", 1, 3)
    store.check_and_count("a:two", "2026-12", 1, 3)

    assert store.used("a:one", "2026-12") == 0
    assert store.check_and_count("a:one", "2026-12", 1, 3) == MeterResult(True, True, False, 1, 2)


def test_an_unknown_reader_has_used_nothing(store):
    assert store.used("a:nobody", "2026-12") == 0
    assert store.items("a:nobody", "2026-12") == []


def test_merge_adds_the_anonymous_reads_to_the_account_and_keeps_the_source(store):
    for item in (1, 2):
        store.check_and_count("a:browser", "2026-12", item, 5)
    for item in (2, 3):
        store.check_and_count("u:7", "2026-12", item, 5)

    result = store.merge("a:browser", "u:7", "2026-12", 5)

    assert (result.used, result.remaining) == (3, 2)
    assert store.items("u:7", "2026-12") == [1, 2, 3]
    assert store.items("a:browser", "2026-12") == [1, 2]


def test_merge_beyond_the_limit_keeps_every_read_readable(store):
    for item in (1, 2, 3):
        store.check_and_count("a:browser", "2026-12", item, 3)
    for item in (4, 5):
        store.check_and_count("u:7", "2026-12", item, 3)

    result = store.merge("a:browser", "u:7", "2026-12", 3)

    assert (result.allowed, result.used, result.remaining) == (False, 5, 0)
    assert store.check_and_count("u:7", "2026-12", 1, 3).allowed is True
    assert store.check_and_count("u:7", "2026-12", 6, 3).allowed is False


def test_merge_of_an_empty_meter_changes_nothing(store):
    store.check_and_count("u:7", "2026-12", 9, 5)

    assert store.merge("a:empty", "u:7", "2026-12", 5).used == 1
    assert store.merge("a:empty", "u:8", "2026-12", 5).used == 0


def test_forget_erases_the_reader(store):
    store.check_and_count("u:7", "2026-12", 1, 5)
    store.check_and_count("u:7", "2026-11", 2, 5)
    store.check_and_count("u:8", "2026-12", 1, 5)

    store.forget("u:7", ["2026-12", "2026-11"])

    assert (store.used("u:7", "2026-12"), store.used("u:7", "2026-11"), store.used("u:8", "2026-12")) == (0, 0, 1)


def test_the_sql_store_purges_reads_of_old_periods(sql_store, settings):
    import datetime as dt

    from masthead.access.actions import purge_old_meter_reads
    from masthead.access.meter.base import reset_store
    from masthead.core import clock

    settings.MASTHEAD_METER_STORE = "masthead.access.meter.sql.SqlMeterStore"
    reset_store()

    with clock.travel(clock.now() - dt.timedelta(days=200)):
        sql_store.check_and_count("a:old", "2026-05", 1, 5)
    sql_store.check_and_count("a:new", "2026-12", 1, 5)

    assert purge_old_meter_reads() == 1
    assert (sql_store.used("a:old", "2026-05"), sql_store.used("a:new", "2026-12")) == (0, 1)
