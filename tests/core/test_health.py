"""/healthz and /readyz: status codes a balancer reads, never cached, no secrets, answered first."""

from __future__ import annotations

import json
import socket

import pytest
from django.db import connection
from django.test import Client, override_settings
from huey import RedisHuey

from masthead.core import health

pytestmark = pytest.mark.django_db

CHECK_NAMES = ["database", "migrations", "cache", "redis", "task_queue", "storage"]


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _body(response) -> dict:
    return json.loads(response.content)


def test_healthz_answers_200_uncached_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert _body(response) == {"status": "ok"}


def test_readyz_answers_200_when_every_service_is_reachable():
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = _body(response)
    assert body["status"] == "ok"
    assert list(body["checks"]) == CHECK_NAMES
    assert {name: result["status"] for name, result in body["checks"].items() if name != "redis"} == {
        "database": "ok", "migrations": "ok", "cache": "ok", "task_queue": "ok", "storage": "ok",
    }


def test_probes_are_answered_before_the_host_check_sessions_and_https_redirect():
    # A balancer probes by IP over plain HTTP; no session cookie is made.
    with override_settings(ALLOWED_HOSTS=["news.example"], SECURE_SSL_REDIRECT=True):
        live = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")
        ready = Client().get("/readyz/", HTTP_HOST="10.0.0.7:8000")

    assert (live.status_code, ready.status_code) == (200, 200)
    assert live.cookies == {} and ready.cookies == {}


def test_other_methods_and_neighbouring_paths_go_to_the_site():
    assert Client().post("/healthz").status_code != 200
    assert Client().get("/healthzz").status_code == 404


def test_readyz_is_503_naming_the_cache_when_redis_is_down_and_hides_the_url():
    url = f"redis://:hunter2-secret@127.0.0.1:{_closed_port()}/0"
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}

    with override_settings(CACHES=caches, REDIS_URL=url):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    body = _body(response)
    assert body["status"] == "failed"
    assert body["checks"]["cache"] == {"status": "failed", "reason": "ConnectionError"}
    assert body["checks"]["redis"] == {"status": "failed", "reason": "ConnectionError"}
    assert body["checks"]["database"] == {"status": "ok"}
    text = response.content.decode()
    assert "hunter2" not in text and "127.0.0.1" not in text and "redis://" not in text


def test_readyz_is_503_when_the_redis_meter_store_is_unreachable():
    url = f"redis://127.0.0.1:{_closed_port()}/3"
    with override_settings(
        MASTHEAD_METER_STORE="masthead.access.meter.redis.RedisMeterStore", MASTHEAD_METER_REDIS_URL=url, REDIS_URL=None,
    ):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert _body(response)["checks"]["redis"] == {"status": "failed", "reason": "ConnectionError"}


def test_redis_is_skipped_on_the_embedded_default():
    with override_settings(REDIS_URL=None, MASTHEAD_METER_STORE="masthead.access.meter.sql.SqlMeterStore"):
        response = Client().get("/readyz")

    assert response.status_code == 200
    assert _body(response)["checks"]["redis"] == {"status": "skipped"}


@pytest.fixture(autouse=True)
def _migrations_asked_afresh():
    health.forget_migrations()
    yield
    health.forget_migrations()


def test_readyz_asks_about_migrations_once_they_are_all_applied(monkeypatch):
    assert Client().get("/readyz").status_code == 200

    def no_second_graph(*args, **kwargs):
        raise AssertionError("the migration graph was built again")

    monkeypatch.setattr(health, "MigrationExecutor", no_second_graph)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert _body(response)["checks"]["migrations"] == {"status": "ok"}


def test_readyz_is_503_when_a_migration_is_not_applied():
    # Given the record of one applied migration removed (the test's transaction restores it)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", ["core", "0001_initial"])

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert _body(response)["checks"]["migrations"] == {"status": "failed", "reason": "unapplied"}
    assert _body(response)["checks"]["database"] == {"status": "ok"}


def test_readyz_is_503_when_the_task_queue_is_unreachable(monkeypatch):
    queue = RedisHuey("masthead-test", url=f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setattr(health, "_task_queue", lambda: queue)

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert _body(response)["checks"]["task_queue"] == {"status": "failed", "reason": "ConnectionError"}


def test_readyz_is_503_when_the_database_is_unreachable(monkeypatch):
    def refuse():
        raise health.CheckFailed("OperationalError")

    monkeypatch.setitem(health.CHECKS, "database", refuse)

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert _body(response)["checks"]["database"] == {"status": "failed", "reason": "OperationalError"}


def test_readyz_is_503_when_media_storage_is_not_a_folder(tmp_path):
    # Given the media root is taken by a file (permissions cannot be tested as root)
    media = tmp_path / "media"
    media.write_text("not a folder")

    with override_settings(MEDIA_ROOT=str(media)):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert _body(response)["checks"]["storage"] == {"status": "failed", "reason": "unwritable"}


def test_storage_not_yet_made_is_ready_when_its_parent_is_writable(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path / "not-yet" / "media")):
        response = Client().get("/readyz")

    assert _body(response)["checks"]["storage"] == {"status": "ok"}
