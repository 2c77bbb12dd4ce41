"""Keeping the search index current: the content actions call ``refresh()``; the
receivers in ContentConfig.ready() catch every other save and delete (the admin, the
wire, the ORM). ``reindex()`` rebuilds it all (``masthead search reindex``).

The index holds live and scheduled stories only: a withdrawn, unpublished or deleted
story leaves it in the same transaction as the change. Searches also keep only stories
live at the moment (a scheduled one appears at its time), and results are loaded through
``Article.objects.live()``, so no stale entry can surface.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction

from masthead.content.models import LIVE_STATES, Article
from masthead.content.search import engine
from masthead.core import clock
from masthead.core.db import refresh_planner_statistics

BATCH = 2000
# The fields whose change alters what the index holds for a story.
INDEXED_FIELDS = frozenset({"headline", "standfirst", "body", "status", "published_at", "section", "section_id",
                            "access"})
# The status actions save these and refresh the index themselves.
STATUS_FIELDS = frozenset({"status", "published_at", "published_by", "modified_at"})


def prepare() -> None:
    """What the index needs ahead of time (PostgreSQL: this year's and next year's
    partitions), nightly."""
    engine().prepare(clock.now().astimezone(dt.timezone.utc).date())


def refresh(*ids: int) -> None:
    """Index these stories as they now are, or drop them if they are not live."""
    engine().refresh([int(i) for i in ids if i is not None])


def remove(*ids: int) -> None:
    """Drop these stories from the index (they were deleted)."""
    engine().remove([int(i) for i in ids if i is not None])


def article_saved(sender=None, instance=None, update_fields=None, raw=False, **kwargs) -> None:
    """post_save of an Article: reindex it when a field the index holds may have changed."""
    if raw or instance is None or instance.pk is None:
        return
    if update_fields is not None and (not (set(update_fields) & INDEXED_FIELDS)
                                      or set(update_fields) <= STATUS_FIELDS):
        return
    refresh(instance.pk)


def article_deleted(sender=None, instance=None, **kwargs) -> None:
    """post_delete of an Article (one by one, or a queryset's delete): drop it."""
    if instance is not None and instance.pk is not None:
        remove(instance.pk)


Progress = Callable[[int, int], None]


def reindex(progress: Progress | None = None, batch: int = BATCH) -> tuple[int, float]:
    """Rebuild the index from the articles, in batches of ``batch`` stories by id (each its
    own transaction: readers keep searching meanwhile, a stopped run loses one batch), then
    drop entries of stories that are gone. Returns (stories indexed, seconds)."""
    started = time.monotonic()
    search_engine = engine()
    with transaction.atomic():
        search_engine.configure()  # the publication's language, if it changed
    stories = Article.objects.filter(status__in=LIVE_STATES, published_at__isnull=False)
    total, done, indexed, last = stories.count(), 0, 0, 0
    if progress:
        progress(0, total)
    while True:
        chunk = list(stories.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not chunk:
            break
        with transaction.atomic():
            indexed += search_engine.refresh(chunk)
        done, last = done + len(chunk), chunk[-1]
        if progress:
            progress(min(done, total), total)
    with transaction.atomic():
        search_engine.sweep()
    refresh_planner_statistics(after_bulk_load=True)
    return indexed, time.monotonic() - started
