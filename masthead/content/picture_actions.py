"""Changes to the picture library, for the admin, the demo and code alike (as content.actions
is for articles): store the picture, then make its renditions after the commit."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from masthead.content.freshness import content_changed
from masthead.content.pictures import Picture, validate_picture_file
from masthead.content.tasks import make_renditions


def add_picture(*, name: str, content: bytes, alt: str, caption: str = "", credit: str = "",
                focal: tuple[float, float] = (0.5, 0.5), by=None) -> Picture:
    """A new library picture from file bytes (checked as an upload is); its renditions are
    made by the worker once the transaction commits."""
    upload = ContentFile(content, name=name)
    validate_picture_file(upload)
    picture = Picture(alt=alt[:300], caption=caption[:300], credit=credit[:200],
                      focal_x=focal[0], focal_y=focal[1], uploaded_by=by)
    picture.full_clean(exclude=["image"])
    with transaction.atomic():
        picture.image.save(name, upload, save=False)
        picture.save()
        picture_saved(picture, new_file=True)
    return picture


def picture_saved(picture: Picture, *, new_file: bool = False, moved_focus: bool = False) -> None:
    """After a picture row is saved (by add_picture or the admin): a new file or a moved
    focal point needs renditions (new names: old pages keep theirs until re-rendered)."""
    if new_file or moved_focus:
        Picture.objects.filter(pk=picture.pk).update(renditions_ready=False)
        picture.renditions_ready = False
        pk = picture.pk
        transaction.on_commit(lambda: make_renditions(pk))
    content_changed()  # captions, credits and alt text show on every page using the picture
