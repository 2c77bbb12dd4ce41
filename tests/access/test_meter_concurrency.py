"""Concurrent reads of distinct articles by one reader never pass the limit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

READERS = 24
LIMIT = 5


def fire(check):
    """Run `check(i)` in READERS threads released together; return their results."""
    barrier = threading.Barrier(READERS)
    results, errors = [None] * READERS, []

    def run(i):
        try:
            barrier.wait()
            results[i] = check(i)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sql_store_on_postgresql_grants_exactly_the_limit():
    if connection.vendor != "postgresql":
        pytest.skip("needs MASTHEAD_DATABASE_URL pointing at PostgreSQL")
    from masthead.access.meter.sql import SqlMeterStore

    store = SqlMeterStore()
    results = fire(lambda i: store.check_and_count("a:race", "2026-12", 1000 + i, LIMIT))

    assert sum(r.allowed for r in results) == LIMIT
    assert sum(r.counted_now for r in results) == LIMIT
    assert store.used("a:race", "2026-12") == LIMIT
    assert len(store.items("a:race", "2026-12")) == LIMIT


@pytest.mark.django_db(transaction=True)
def test_sql_store_on_sqlite_grants_exactly_the_limit():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the race")
    from masthead.access.meter.sql import SqlMeterStore

    store = SqlMeterStore()
    results = fire(lambda i: store.check_and_count("a:race", "2026-12", 1000 + i, LIMIT))

    assert sum(r.allowed for r in results) == LIMIT
    assert store.used("a:race", "2026-12") == LIMIT
    assert len(store.items("a:race", "2026-12")) == LIMIT


@pytest.mark.redis
def test_redis_store_grants_exactly_the_limit(redis_store):
    from masthead.access.meter.redis import RedisMeterStore

    from .conftest import REDIS_TEST_URL

    # Each thread its own client and connection, like separate app servers.
    clients = [RedisMeterStore(REDIS_TEST_URL, prefix=redis_store.prefix) for _ in range(READERS)]
    results = fire(lambda i: clients[i].check_and_count("a:race", "2026-12", 1000 + i, LIMIT))

    assert sum(r.allowed for r in results) == LIMIT
    assert redis_store.used("a:race", "2026-12") == LIMIT
    assert len(redis_store.items("a:race", "2026-12")) == LIMIT


@pytest.mark.redis
def test_redis_store_counts_one_article_once_when_read_at_once(redis_store):
    results = fire(lambda i: redis_store.check_and_count("a:same", "2026-12", 77, LIMIT))

    assert sum(r.counted_now for r in results) == 1
    assert sum(r.already_counted for r in results) == READERS - 1
    assert redis_store.used("a:same", "2026-12") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sql_store_on_postgresql_counts_one_article_once_when_read_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs MASTHEAD_DATABASE_URL pointing at PostgreSQL")
    from masthead.access.meter.sql import SqlMeterStore

    store = SqlMeterStore()
    results = fire(lambda i: store.check_and_count("a:same", "2026-12", 77, LIMIT))

    assert sum(r.counted_now for r in results) == 1
    assert sum(r.already_counted for r in results) == READERS - 1
    assert store.used("a:same", "2026-12") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_page_reads_by_one_browser_grant_exactly_the_limit(publication):
    """The same race through access.decide(): one reader, many articles at once."""
    from masthead.access.decision import ReaderFacts
    from masthead.access.reader import Reader
    from masthead.access.service import decide, item_facts
    from masthead.content.models import Article
    from tests.content.factories import ArticleFactory

    ids = [ArticleFactory().pk for _ in range(READERS)]
    items = [item_facts(a) for a in Article.objects.select_related("section").filter(pk__in=ids)]
    reader = Reader(ReaderFacts("a:browser"))

    results = fire(lambda i: decide(reader, items[i]))

    assert sum(d.granted for d in results) == LIMIT
    assert sorted(d.reason.value for d in results).count("limit_reached") == READERS - LIMIT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_new_read_is_two_round_trips_and_a_re_read_one():
    if connection.vendor != "postgresql":
        pytest.skip("needs MASTHEAD_DATABASE_URL pointing at PostgreSQL")
    from django.test.utils import CaptureQueriesContext

    from masthead.access.meter.sql import SqlMeterStore

    store = SqlMeterStore()
    with CaptureQueriesContext(connection) as new:
        store.check_and_count("a:trips", "2026-12", 1, 5)
    with CaptureQueriesContext(connection) as again:
        store.check_and_count("a:trips", "2026-12", 1, 5)

    assert len(new) == 2 and "access_meter_check_and_count" in new.captured_queries[1]["sql"]
    assert len(again) == 1
