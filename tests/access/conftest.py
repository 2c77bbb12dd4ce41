"""Fixtures for the paywall tests: meter stores, personas, a clean funnel buffer."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_TEST_URL = os.environ.get("MASTHEAD_REDIS_URL") or "redis://127.0.0.1:6379/2"


def redis_reachable(url: str = REDIS_TEST_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def sql_store(db):
    from masthead.access.meter.sql import SqlMeterStore

    return SqlMeterStore()


@pytest.fixture
def redis_store():
    if not redis_reachable():
        pytest.skip("Redis not reachable at " + REDIS_TEST_URL)
    from masthead.access.meter.redis import RedisMeterStore

    store = RedisMeterStore(REDIS_TEST_URL, prefix=f"mh-test-{uuid.uuid4().hex[:8]}:")
    yield store
    for key in store.client.scan_iter(match=store.prefix + "*"):
        store.client.delete(key)


@pytest.fixture
def sql_store_autocommit(transactional_db):
    """The SQL store outside any test transaction, as a server runs it (on PostgreSQL this
    is the one-function-call path)."""
    from masthead.access.meter.sql import SqlMeterStore

    return SqlMeterStore()


@pytest.fixture(params=["sql", "sql-autocommit", "redis"])
def store(request):
    """Every meter store, for the contract suite."""
    if request.param == "redis":
        request.applymarker(pytest.mark.redis)
        return request.getfixturevalue("redis_store")
    if request.param == "sql-autocommit":
        return request.getfixturevalue("sql_store_autocommit")
    return request.getfixturevalue("sql_store")


@pytest.fixture
def publication(db):
    from tests.content.factories import PublicationFactory

    return PublicationFactory()


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("edna", "edna@example.com", "pw-edna-1234", is_staff=True)


@pytest.fixture
def registered_reader(db):
    """Rita: a free account, no subscription."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("rita", "rita@example.com", "pw-rita-1234")
