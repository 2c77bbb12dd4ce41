"""The versioned cache: values under namespace tokens, bumps seen by every process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zlib

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache as django_cache
from django.db import transaction

from masthead.core import cache, clock


def counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_value_is_built_once_under_the_token():
    build, calls = counting({"a": 1})

    first = cache.remember("content", "home", build, ttl=60)
    second = cache.remember("content", "home", build, ttl=60)

    assert first == second == {"a": 1}
    assert len(calls) == 1


def test_a_cached_none_is_not_a_miss():
    build, calls = counting(None)

    assert cache.remember("content", "missing-slug", build, ttl=60) is None
    assert cache.remember("content", "missing-slug", build, ttl=60) is None
    assert len(calls) == 1


def test_a_bump_retires_every_entry_of_the_namespace_only():
    content, content_calls = counting("page")
    rules, rules_calls = counting("rules")
    cache.remember("content", "home", content, ttl=60)
    cache.remember("rules", "current", rules, ttl=60)
    before = cache.version("content")

    cache.bump("content")

    assert cache.version("content") != before
    cache.remember("content", "home", content, ttl=60)
    cache.remember("rules", "current", rules, ttl=60)
    assert (len(content_calls), len(rules_calls)) == (2, 1)


def test_a_scoped_bump_retires_that_reader_only():
    # Two readers whose scopes fall in different token files on the embedded default.
    assert zlib.crc32(b"7") % cache.SCOPE_FILES != zlib.crc32(b"8") % cache.SCOPE_FILES
    seven, seven_calls = counting({"premium"})
    eight, eight_calls = counting(set())
    cache.remember("reader", "benefits", seven, ttl=60, scope="7")
    cache.remember("reader", "benefits", eight, ttl=60, scope="8")

    cache.bump("reader", "7")

    assert cache.remember("reader", "benefits", seven, ttl=60, scope="7") == {"premium"}
    assert cache.remember("reader", "benefits", eight, ttl=60, scope="8") == set()
    assert (len(seven_calls), len(eight_calls)) == (2, 1)


def test_a_scope_never_sees_another_scopes_value():
    cache.remember("reader", "benefits", lambda: "seven's", ttl=60, scope="7")

    assert cache.remember("reader", "benefits", lambda: "eight's", ttl=60, scope="8") == "eight's"


def test_an_entry_ends_after_its_ttl_on_the_publication_clock():
    build, calls = counting("x")
    start = dt.datetime(2026, 12, 1, 18, 45, tzinfo=dt.timezone.utc)
    with clock.travel(start, frozen=True):
        cache.remember("content", "k", build, ttl=dt.timedelta(minutes=5))
    with clock.travel(start + dt.timedelta(minutes=4, seconds=59), frozen=True):
        cache.remember("content", "k", build, ttl=dt.timedelta(minutes=5))
        assert len(calls) == 1
    with clock.travel(start + dt.timedelta(minutes=5), frozen=True):
        cache.remember("content", "k", build, ttl=dt.timedelta(minutes=5))
        assert len(calls) == 2


def test_a_ttl_function_is_called_with_the_value_only_when_building():
    ttls = []

    def ttl(value):
        ttls.append(value)
        return 30

    cache.remember("content", "k", lambda: 1, ttl=ttl)
    cache.remember("content", "k", lambda: 2, ttl=ttl)

    assert ttls == [1]


def test_a_local_value_is_served_without_the_shared_cache(monkeypatch):
    cache.remember("rules", "current", lambda: "rules", ttl=60, local=True)
    reads = []
    real_get = django_cache.get

    def get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(django_cache, "get", get)

    assert cache.remember("rules", "current", lambda: "rebuilt", ttl=60, local=True) == "rules"
    assert [k for k in reads if not k.startswith("version:")] == []


def test_a_local_value_on_the_embedded_default_is_kept_in_one_tier_only():
    if cache.is_shared():
        pytest.skip("with a shared cache a local value is shared too")
    cache.remember("rules", "current", lambda: "rules", ttl=60, local=True)

    name = f"rules:{cache.version('rules')}::current"
    assert django_cache.get(name) is None
    assert cache._local.get(name)[1] == "rules"


def test_a_process_only_value_never_reaches_the_shared_cache():
    cache.remember("content", "shell", lambda: "<html>", ttl=60, local=True, shared=False)

    assert django_cache.get(f"content:{cache.version('content')}::shell") is None
    assert cache.remember("content", "shell", lambda: "rebuilt", ttl=60, local=True, shared=False) == "<html>"


def test_a_slot_keeps_only_what_it_is_given_under_the_token_it_was_taken_with():
    place = cache.slot("content", "page:/")
    assert place.get() is cache.MISS
    cache.bump("content")  # the content changed while the page was being built

    place.put("old page", ttl=60)

    assert cache.slot("content", "page:/").get() is cache.MISS
    assert place.get() == "old page"


def test_reset_forgets_every_value_in_one_call():
    cache.remember("content", "k", lambda: "old", ttl=60)
    cache.remember("rules", "k", lambda: "old", ttl=60, local=True)

    cache.reset()

    assert cache.remember("content", "k", lambda: "new", ttl=60) == "new"
    assert cache.remember("rules", "k", lambda: "new", ttl=60, local=True) == "new"


@pytest.mark.django_db(transaction=True)
def test_a_bump_inside_a_transaction_happens_again_on_commit():
    with transaction.atomic():
        cache.bump("content")
        during = cache.version("content")
        # A reader rebuilding from the old rows before the commit...
        cache.remember("content", "home", lambda: "old rows", ttl=60)

    # ... does not leave that entry to be served after it.
    assert cache.version("content") != during
    assert cache.remember("content", "home", lambda: "new rows", ttl=60) == "new rows"


@pytest.mark.django_db(transaction=True)
def test_bumps_of_one_namespace_in_one_transaction_write_its_token_once_and_once_on_commit(monkeypatch):
    written = []
    real_write = cache._write_token
    monkeypatch.setattr(cache, "_write_token", lambda *target: (written.append(target), real_write(*target)))

    with transaction.atomic():
        seen_here = set()
        for n in range(4):  # a wire item: created, published, saved twice
            cache.bump("content")
            # This process sees each of its own changes at once...
            seen_here.add(cache.version("content"))
            assert cache.remember("content", "facts", lambda: f"after change {n}", ttl=60) == f"after change {n}"
        assert len(seen_here) == 4
        cache.bump("rules")
        cache.bump("reader", "7")
        cache.bump("reader", "8")
        during = cache.version("content")
        cache.remember("content", "home", lambda: "old rows", ttl=60)
        # ... while the shared token is written once until the commit.
        assert written == [("content", ""), ("rules", ""), ("reader", "7"), ("reader", "8")]

    assert written[4:] == [("content", ""), ("rules", ""), ("reader", "7"), ("reader", "8")]
    assert cache.version("content") != during
    assert cache.remember("content", "home", lambda: "new rows", ttl=60) == "new rows"


@pytest.mark.django_db(transaction=True)
def test_a_bump_rolled_back_with_its_savepoint_does_not_stand_for_a_later_one(monkeypatch):
    committed = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                cache.bump("content")
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
        before = cache.version("content")
        cache.bump("content")  # the change that stays
        assert cache.version("content") != before
        real_write = cache._write_token
        monkeypatch.setattr(cache, "_write_token", lambda *target: (committed.append(target), real_write(*target)))

    assert committed == [("content", "")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_the_next_one_its_own_bumps(monkeypatch):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            cache.bump("content")
            raise RuntimeError("rolled back")
    written = []
    real_write = cache._write_token
    monkeypatch.setattr(cache, "_write_token", lambda *target: (written.append(target), real_write(*target)))

    with transaction.atomic():
        cache.bump("content")

    assert written == [("content", ""), ("content", "")]


def test_a_token_is_kept_for_token_seconds_but_an_own_bump_is_seen_at_once(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 60
    first = cache.version("offers")
    assert cache.version("offers") == first

    cache.bump("offers")

    assert cache.version("offers") != first


def test_stable_keys_sort_sets():
    assert cache.stable_key(7, frozenset({"b", "a", "c"}), ("x", "y"), None) == "7:a,b,c:x,y:"


def _run_elsewhere(code: str) -> str:
    """Run `code` in a fresh Python process with this test run's settings and data dir."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        "MASTHEAD_TESTING": "1",
        "MASTHEAD_DATA_DIR": str(django_settings.DATA_DIR),
        "PYTHONHASHSEED": "12345",
    })
    script = "import django; django.setup()\nfrom masthead.core import cache\n" + code
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_bump_in_another_process_is_seen_here(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 0  # the bound other processes are held to, here nothing
    build, calls = counting("text of a story")
    cache.remember("content", "story", build, ttl=300)
    before = cache.version("content")

    elsewhere = _run_elsewhere("cache.bump('content'); print(cache.version('content'))")

    assert cache.version("content") == elsewhere != before
    cache.remember("content", "story", build, ttl=300)
    assert len(calls) == 2


def test_a_scoped_bump_in_another_process_is_seen_here(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 0
    before = cache.version("reader", "42")

    elsewhere = _run_elsewhere("cache.bump('reader', '42'); print(cache.version('reader', '42'))")

    assert cache.version("reader", "42") == elsewhere != before


def test_keys_are_the_same_in_another_process():
    here = cache.stable_key("rules", frozenset({"markets", "opinion", "sport", "world"}))

    elsewhere = _run_elsewhere("print(cache.stable_key('rules', frozenset({'markets', 'opinion', 'sport', 'world'})))")

    assert elsewhere == here == "rules:markets,opinion,sport,world"
