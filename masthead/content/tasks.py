"""The content app's background work."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from masthead.content import renditions
from masthead.content.freshness import content_changed
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
