"""Changes to what the apps keep for a reader: saving stories and the reading history.

The API views, the data-rights export and erasure and any later web page call these.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from masthead.api.models import ReadingHistory, SavedStory
from masthead.core import clock


def save_story(user, article_id: int, *, now: dt.datetime | None = None) -> tuple[SavedStory, bool]:
    """Save a story for later; saving it again keeps the first time. Returns (row, created)."""
    with transaction.atomic():
        return SavedStory.objects.get_or_create(user=user, article_id=article_id,
                                                defaults={"saved_at": now or clock.now()})


def unsave_story(user, article_id: int) -> bool:
    """Forget a saved story; False when it was not saved."""
    deleted, _ = SavedStory.objects.filter(user=user, article_id=article_id).delete()
    return bool(deleted)


def record_read(user, article_id: int, *, now: dt.datetime | None = None) -> None:
    """Note that the reader opened the story in full (the latest time is kept)."""
    now = now or clock.now()
    with transaction.atomic():
        updated = ReadingHistory.objects.filter(user=user, article_id=article_id).update(read_at=now)
        if not updated:
            ReadingHistory.objects.get_or_create(user=user, article_id=article_id, defaults={"read_at": now})


def clear_history(user) -> int:
    """Forget the reader's reading history; returns how many entries went."""
    deleted, _ = ReadingHistory.objects.filter(user=user).delete()
    return deleted
