"""The publication this Masthead serves (one per deployment)."""

from __future__ import annotations

import datetime as dt
from email.utils import formataddr, parseaddr

from django.conf import settings

from masthead.core import cache

TTL = dt.timedelta(minutes=5)


def _load():
    from masthead.content.models import Publication

    return Publication.objects.order_by("pk").first() or Publication()


def current_publication():
    """The Publication row (a default unsaved one before setup), kept in-process under the
    content version: saving the publication bumps it, in every process."""
    return cache.remember("content", "publication", _load, ttl=TTL, local=True)


def sender() -> str:
    """Who every e-mail is from: the publication, at the configured address (MASTHEAD_FROM_EMAIL)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((current_publication().name, address))


def reply_to() -> list[str]:
    """Replies go to the publication's contact address when it has one (the sender may not read mail)."""
    contact = current_publication().contact_email
    return [contact] if contact else []
