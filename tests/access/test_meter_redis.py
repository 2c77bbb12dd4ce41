"""What only the Redis store promises: one round trip, cluster-safe keys, expiry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from masthead.access.periods import period_end
from masthead.core import clock
from tests.instants import IST_JUST_AFTER_MIDNIGHT

pytestmark = pytest.mark.redis


def test_keys_carry_a_hash_tag_so_one_reader_period_is_one_cluster_slot(redis_store):
    key = redis_store.key("a:xyz", "2026-12")

    assert key == redis_store.prefix + "meter:{a:xyz:2026-12}"


def test_the_key_expires_a_day_after_the_period_ends(redis_store):
    end = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)

    with clock.travel(end - dt.timedelta(days=3), frozen=True):
        redis_store.check_and_count("a:xyz", "2029-12", 1, 5, expires_at=end)

    ttl = redis_store.client.ttl(redis_store.key("a:xyz", "2029-12"))
    assert ttl in (4 * 86400, 4 * 86400 - 1)  # four days by Masthead's clock, counted by Redis


@pytest.mark.parametrize("at", [IST_JUST_AFTER_MIDNIGHT, dt.datetime(2001, 6, 15, 6, 30, tzinfo=dt.timezone.utc)])
def test_a_meter_kept_at_an_instant_in_redis_s_past_is_not_expired_at_once(redis_store, at):
    """Redis compares expiry moments with its own clock; the meter's lifetime is Masthead's."""
    with clock.travel(at, frozen=True):
        end = period_end(at, "month", ZoneInfo("Asia/Kolkata"))
        redis_store.check_and_count("a:past", "p", 1, 5, expires_at=end)
        redis_store.merge("a:past", "u:merged", "p", 5, expires_at=end)

    assert (redis_store.used("a:past", "p"), redis_store.used("u:merged", "p")) == (1, 1)


def test_one_decision_is_one_round_trip(redis_store):
    redis_store.check_and_count("a:warm", "2026-12", 1, 5)  # the script is loaded now
    calls = []
    original = redis_store.client.execute_command

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    redis_store.client.execute_command = counting
    redis_store.check_and_count("a:xyz", "2026-12", 1, 5)
    redis_store.check_and_count("a:xyz", "2026-12", 1, 5)

    assert calls == ["EVALSHA", "EVALSHA"]


def test_the_script_is_reloaded_after_the_server_forgets_it(redis_store):
    redis_store.check_and_count("a:xyz", "2026-12", 1, 5)
    redis_store.client.script_flush()

    assert redis_store.check_and_count("a:xyz", "2026-12", 2, 5).used == 2


def test_one_reader_month_stays_small(redis_store):
    for item in range(1, 6):
        redis_store.check_and_count("a:Zm9vYmFyYmF6cXV4", "2026-12", 100000 + item, 5)

    # a small set is an intset/listpack: the whole key, name included, is under 150 bytes
    assert redis_store.memory_usage("a:Zm9vYmFyYmF6cXV4", "2026-12") < 150
