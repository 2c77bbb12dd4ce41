"""Shared fixtures: a clean clock, cache and in-process state for every test."""

from __future__ import annotations

import datetime as dt

import pytest


def _forget_in_process_state() -> None:
    from masthead.access import funnel
    from masthead.access.meter.base import reset_store
    from masthead.core import cache, clock

    cache.reset()
    clock.set_offset(dt.timedelta(0))
    clock.freeze(None)
    funnel.discard()
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
