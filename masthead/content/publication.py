"""The publication this Masthead serves (one per deployment)."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
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


def sender() -> str:
    """Who every e-mail is from: the publication, at the configured address (MASTHEAD_FROM_EMAIL)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((current_publication().name, address))


def reply_to() -> list[str]:
    """Replies go to the publication's contact address when it has one (the sender may not read mail)."""
    contact = current_publication().contact_email
    return [contact] if contact else []
