"""Shared fixtures: a clean clock, cache and in-process state for every test."""

from __future__ import annotations

import datetime as dt

import pytest


def _forget_in_process_state() -> None:
    from django.contrib.contenttypes.models import ContentType

    from masthead.access import funnel
    from masthead.access.meter.base import reset_store
    from masthead.analytics import events, experiments
    from masthead.core import cache, clock

    # A transactional test's flush recreates content types under new ids (SQLite does not
    # reset its sequences): a cached id would point the next test's revision or log entry at
    # a row that is gone.
    ContentType.objects.clear_cache()
    cache.reset()
    clock.set_offset(dt.timedelta(0))
    clock.freeze(None)
    funnel.discard()
    events.discard()
    experiments.forget_pending()
    reset_store()


@pytest.fixture(scope="session", autouse=True)
def _uploads_in_a_temporary_folder(tmp_path_factory):
    """Uploads (and the demo's drawn pictures) go to a folder of the test run, not the data dir."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fresh_state():
    _forget_in_process_state()
    yield
    _forget_in_process_state()


@pytest.fixture
def another_process(transactional_db, settings):
    """Run Python code in a fresh process, as another server worker would: the same
    database (this test's), cache and data dir, but none of this process's memory.
    Returns what the code printed."""
    import os
    import subprocess
    import sys

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        "MASTHEAD_TESTING": "1",
        "MASTHEAD_DATA_DIR": str(settings.DATA_DIR),
        "MASTHEAD_DATABASE_URL": url,
        "PYTHONHASHSEED": "12345",  # not this process's string hashes
    })

    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    return run
