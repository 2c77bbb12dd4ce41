"""Ad slots: the publisher's markup per slot, kept in the shared cache."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from masthead.accounts.caching import lifetime

SLOTS_KEY = "accounts:ad-slots:v1"


@dataclass(frozen=True)
class Slot:
    name: str
    markup: str
    width: int
    height: int


def forget_slots() -> None:
    cache.delete(SLOTS_KEY)


def slots() -> dict[str, Slot]:
    """Every active slot by name; one query when the cache is cold, none after."""
    found = cache.get(SLOTS_KEY)
    if found is None:
        from masthead.accounts.models import AdSlot

        found = {
            s.name: Slot(s.name, s.markup, s.width, s.height) for s in AdSlot.objects.filter(is_active=True)
        }
        cache.set(SLOTS_KEY, found, lifetime(shared=300, local=30))
    return found
