"""Health checks a load balancer or an orchestrator asks: is the process up, can it serve?

- ``/healthz``: the process answers (nothing else is touched, so a slow database never
  gets a healthy server killed).
- ``/readyz``: the database, the migrations, the cache, Redis, the task queue and file
  storage are all reachable; 200 when every check passes, 503 otherwise.

Both are answered by ``HealthCheckMiddleware`` at the top of MIDDLEWARE: before the
HTTPS redirect, sessions, authentication, the page cache and URL resolution, so a probe
costs none of them and works on any Host header the balancer sends. The body names each
check and, for a failed one, only the class of the error (``ConnectionError``,
``unapplied``): never a URL, a host name or a message that could carry a secret.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
REDIS_TIMEOUT = 2.0  # seconds: a black-holed Redis fails the probe instead of hanging it


class CheckFailed(Exception):
    """A check that ran but found the service not ready; `reason` is a short class name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


# Databases this process has found fully migrated. Building the migration graph costs tens
# of milliseconds, and a process's migrations cannot change under it: once every one is
# applied, later probes need not ask again (until the process restarts, with new code).
_migrated: set[tuple[str, str]] = set()


def check_migrations() -> None:
    connection = connections["default"]
    identity = (connection.vendor, str(connection.settings_dict.get("NAME")))
    if identity in _migrated:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CheckFailed("unapplied")
    _migrated.add(identity)


def forget_migrations() -> None:
    """Ask the database again at the next probe."""
    _migrated.clear()


def check_cache() -> None:
    key = f"masthead:ready:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise CheckFailed("unreadable")


def _redis_urls() -> list[str]:
    urls = []
    if settings.REDIS_URL:
        urls.append(settings.REDIS_URL)
    if "redis" in settings.MASTHEAD_METER_STORE.lower():
        urls.append(settings.MASTHEAD_METER_REDIS_URL)
    return list(dict.fromkeys(urls))


def check_redis() -> None:
    for url in _redis_urls():
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()


def _task_queue():
    from huey.contrib.djhuey import HUEY

    return HUEY


def check_task_queue() -> None:
    # Reading the queue's length touches its storage (Redis or the SQLite file).
    _task_queue().pending_count()


def check_storage() -> None:
    location = getattr(default_storage, "location", None)
    if location is None:  # a remote storage: a lookup goes to the service
        default_storage.exists("masthead-ready-probe")
        return
    # Local files: the folder (or, before the first upload, the nearest folder above it
    # that it will be made in) must be writable.
    path = Path(location)
    while not path.exists() and path != path.parent:
        path = path.parent
    if not (path.is_dir() and os.access(path, os.W_OK)):
        raise CheckFailed("unwritable")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "redis": check_redis,
    "task_queue": check_task_queue,
    "storage": check_storage,
}


def run_checks() -> dict[str, dict[str, str]]:
    """Every check's outcome: {"database": {"status": "ok"}, "cache": {"status": "failed", ...}}."""
    results = {}
    for name, check in CHECKS.items():
        if name == "redis" and not _redis_urls():
            results[name] = {"status": "skipped"}
            continue
        try:
            check()
        except CheckFailed as exc:
            results[name] = {"status": "failed", "reason": exc.reason}
        except Exception as exc:  # the class name only: messages can hold hosts and passwords
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = {"status": "failed", "reason": type(exc).__name__}
        else:
            results[name] = {"status": "ok"}
    return results


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> HttpResponse:
    return _answer(200, {"status": "ok"})


def readyz() -> HttpResponse:
    checks = run_checks()
    ready = all(result["status"] != "failed" for result in checks.values())
    return _answer(200 if ready else 503, {"status": "ok" if ready else "failed", "checks": checks})


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before any other middleware runs (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        if request.method in ("GET", "HEAD"):
            if path == HEALTH_PATH:
                return healthz()
            if path == READY_PATH:
                return readyz()
        return self.get_response(request)
