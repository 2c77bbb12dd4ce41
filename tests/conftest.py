"""Shared fixtures: the demo personas and a clean clock and cache for every test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache_and_clock():
    from django.core.cache import cache

    from masthead.core import clock

    cache.clear()
    clock.set_offset(__import__("datetime").timedelta(0))
    clock.freeze(None)
    yield
    clock.set_offset(__import__("datetime").timedelta(0))
    clock.freeze(None)
