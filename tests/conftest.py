"""Shared fixtures: a clean clock, cache and in-process state for every test."""

from __future__ import annotations

import datetime as dt

import pytest


def _forget_in_process_state() -> None:
    from masthead.access import funnel
    from masthead.access.meter.base import reset_store
    from masthead.access.rules import forget_rules
    from masthead.access.service import forget_zone
    from masthead.accounts import caching
    from masthead.content import freshness, page_cache, rendering
    from masthead.core import cache, clock

    cache.reset()
    clock.set_offset(dt.timedelta(0))
    clock.freeze(None)
    forget_zone()
    funnel.discard()
    rendering.forget_all()
    forget_rules()
    reset_store()
    freshness._memo.clear()
    page_cache.forget_local_pages()
    caching._stamp_memo.clear()


@pytest.fixture(scope="session", autouse=True)
def _uploads_in_a_temporary_folder(tmp_path_factory):
    """Uploads (and the demo's drawn pictures) go to a folder of the test run, not the data dir."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fresh_state():
    from django.core.cache import cache

    cache.clear()
    _forget_in_process_state()
    yield
    _forget_in_process_state()
