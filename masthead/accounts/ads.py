"""Ad slots: the publisher's markup per slot, parsed once per process per change."""

from __future__ import annotations

from dataclasses import dataclass

from masthead.accounts import caching


@dataclass(frozen=True)
class Slot:
    name: str
    markup: str
    width: int
    height: int


def forget_slots() -> None:
    caching.forget()


def _load() -> dict[str, Slot]:
    from masthead.accounts.models import AdSlot

    return {s.name: Slot(s.name, s.markup, s.width, s.height) for s in AdSlot.objects.filter(is_active=True)}


def slots(request=None) -> dict[str, Slot]:
    """Every active slot by name: one query per process after a change, none otherwise.

    With a request, the answer is kept on it so a page with several slots checks the
    shared stamp once.
    """
    found = getattr(request, "_masthead_ad_slots", None) if request is not None else None
    if found is None:
        stamp = caching.request_stamp(request) if request is not None else None
        found = caching.memoised("ad-slots", _load, stamp=stamp)
        if request is not None:
            request._masthead_ad_slots = found
    return found
