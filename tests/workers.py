"""Test workers share nothing: with pytest-xdist (``make test`` runs one worker per core), each
worker gets a data dir of its own (the SQLite files, the cache's version tokens, the task
queue, the outbox) and, on Redis, a database number of its own, before Django reads its
settings. Without xdist nothing changes."""

from __future__ import annotations

import os
import re

import pytest

REDIS_SETTINGS = ("MASTHEAD_REDIS_URL", "MASTHEAD_METER_REDIS_URL")


def worker_environment(worker: str, environ: dict[str, str]) -> dict[str, str]:
    """The settings worker ``gwN`` runs with: its own data dir, Redis database base + N."""
    n = int(worker.removeprefix("gw"))
    changed = {"MASTHEAD_DATA_DIR": os.path.join(environ.get("MASTHEAD_DATA_DIR", "var"), f"worker-{worker}")}
    for name in REDIS_SETTINGS:
        url = environ.get(name)
        if url:
            found = re.search(r"/(\d+)$", url)
            base = int(found.group(1)) if found else 0
            changed[name] = (url[:found.start()] if found else url.rstrip("/")) + f"/{base + n}"
    return changed


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ.update(worker_environment(worker, os.environ))
