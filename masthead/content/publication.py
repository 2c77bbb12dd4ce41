"""The publication this Masthead serves (one per deployment)."""

from __future__ import annotations

from django.core.cache import cache

CACHE_KEY = "content:publication:v1"


def current_publication():
    """The Publication row, cached briefly; a default unsaved one before setup."""
    from masthead.content.models import Publication

    publication = cache.get(CACHE_KEY)
    if publication is None:
        publication = Publication.objects.order_by("pk").first() or Publication()
        cache.set(CACHE_KEY, publication, 60)
    return publication


def forget_publication() -> None:
    cache.delete(CACHE_KEY)
