"""The content app's background work."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import db_task

from masthead.content import renditions, rollup
from masthead.content.freshness import content_changed
from masthead.content.models import Publication
from masthead.content.pictures import Picture


@db_task(retries=2, retry_delay=10, name="content.make_renditions")
def make_renditions(picture_pk: int) -> int:
    """Make a library picture's renditions (content/renditions.py), then let pages name them
    (`renditions_ready`, a new content version); how many files were made."""
    picture = Picture.objects.filter(pk=picture_pk).first()
    if picture is None:
        return 0  # deleted before the worker came to it
    made = renditions.make(picture)
    Picture.objects.filter(pk=picture.pk).update(renditions_ready=True)
    content_changed()
    return made


@db_task(name="content.rebuild_archive_days")
def rebuild_archive_days() -> int:
    """Count the archive's day rows again (content.rollup), then retire the cached lists
    built from them; how many days hold stories. The worker also runs it every night."""
    days = rollup.rebuild()
    content_changed()
    return days


# The archive's days are the publication's local days: a new time zone moves stories from
# one day to another, so the rows are counted again (in the background: a minute at most
# for a million stories).

def publication_saving(sender=None, instance=None, raw=False, **kwargs) -> None:
    """pre_save of the Publication: remember the time zone it had."""
    if raw or instance is None or instance.pk is None:
        return
    instance._time_zone_before = Publication.objects.filter(pk=instance.pk).values_list(
        "time_zone", flat=True).first()


def publication_saved(sender=None, instance=None, raw=False, created=False, **kwargs) -> None:
    if raw or instance is None or created:
        return
    if getattr(instance, "_time_zone_before", instance.time_zone) != instance.time_zone:
        transaction.on_commit(rebuild_archive_days)
