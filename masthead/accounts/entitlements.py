"""Benefits this app grants a reader (listed in settings.MASTHEAD_ENTITLEMENT_SOURCES)."""

from __future__ import annotations


def grant_source(user, *, now, ip=None) -> set:
    return set()
