"""Every change to the ePaper: editions received, processed, published; pages saved; clips
shared and revoked. Views, the admin, the import command and the demo all call these."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.epaper import files, processing
from masthead.epaper.models import Clip, Edition, Page, SavedPage

log = logging.getLogger(__name__)

CLIP_DAYS = 7
MIN_CLIP = 0.02  # a clip is at least 2% of the page each way


# --- editions ----------------------------------------------------------------------------------

def receive_edition(*, date: dt.date, name: str, data: bytes, publish_when_ready: bool = True,
                    process: bool = True) -> Edition:
    """Take a day's PDF for an edition (a new one, or a replacement for the one of that day
    and name) and queue its processing. An oversized or empty file is refused at once (the
    edition is recorded as failed with the reason, and the file is not kept)."""
    name = name.strip() or "Main"
    slug = slugify(name) or "main"
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(date=date, slug=slug).first()
        if edition is None:
            edition = Edition.objects.create(date=date, name=name, slug=slug, publish_when_ready=publish_when_ready)
        old_original = edition.original
        edition.name, edition.publish_when_ready = name, publish_when_ready
        edition.original_size = len(data)
        edition.pages_done = edition.page_count = 0
        edition.processing_started_at = edition.processed_at = None
        try:
            processing.check_size(len(data))
        except processing.Unusable as refused:
            edition.state, edition.failure_reason, edition.original = Edition.State.FAILED, str(refused), ""
        else:
            edition.original = files.save(files.original_name(edition), data)
            edition.state, edition.failure_reason = Edition.State.PROCESSING, ""
        edition.save()
        if old_original and old_original != edition.original:
            transaction.on_commit(lambda: files.delete(old_original))
        if process and edition.state == Edition.State.PROCESSING:
            transaction.on_commit(lambda: queue_processing(edition.pk))
    return edition


def queue_processing(edition_id: int) -> None:
    """Process in the background (at once under tests and MASTHEAD_TASKS_IMMEDIATE)."""
    # tasks.py imports this module for the work itself; the task is looked up when queued.
    from masthead.epaper.tasks import process_edition_task

    process_edition_task(edition_id)


def reprocess(edition: Edition) -> Edition:
    """Process an edition's kept PDF again (after a failure, or a change to the renderer)."""
    if not edition.original:
        raise ValueError("This edition has no PDF kept: upload one.")
    with transaction.atomic():
        edition.state, edition.failure_reason, edition.pages_done = Edition.State.PROCESSING, "", 0
        edition.save(update_fields=["state", "failure_reason", "pages_done"])
        transaction.on_commit(lambda: queue_processing(edition.pk))
    return edition


def _fail(edition: Edition, reason: str) -> Edition:
    edition.state, edition.failure_reason = Edition.State.FAILED, reason
    edition.processed_at = clock.now()
    edition.save(update_fields=["state", "failure_reason", "processed_at"])
    log.warning("epaper edition %s failed: %s", edition.pk, reason)
    return edition


def process_edition(edition_id: int, progress=None) -> Edition:
    """Render and index every page of the edition's PDF, then make it ready (or published).

    Runs outside a transaction so the admin sees `pages_done` grow. The new pages replace
    the old ones in one transaction at the end; on any failure the edition is marked
    failed with the reason, its new images are removed and nothing else is touched.
    `progress(done, total)` is called after each page.
    """
    edition = Edition.objects.get(pk=edition_id)
    if not edition.original:
        return _fail(edition, "No PDF was kept for this edition: upload it again.")
    try:
        data = files.read(edition.original)
    except OSError as error:
        return _fail(edition, f"The PDF could not be read from storage ({error.__class__.__name__}).")
    folder = files.run_folder(edition)
    made: list[str] = []
    rendered: list[Page] = []
    try:
        total = processing.page_count(data)
        Edition.objects.filter(pk=edition.pk).update(
            state=Edition.State.PROCESSING, page_count=total, pages_done=0, failure_reason="",
            processing_started_at=clock.now())
        for page in processing.render_pages(data):
            names = {}
            for size, image in page.images.items():
                names[size] = files.save(f"{folder}/{page.number:03d}-{size}.{processing.extension(size)}", image)
                made.append(names[size])
            rendered.append(Page(edition=edition, number=page.number, width=page.width, height=page.height,
                                 text=page.text, **names))
            Edition.objects.filter(pk=edition.pk).update(pages_done=page.number)
            if progress:
                progress(page.number, total)
    except processing.Unusable as unusable:
        files.delete(*made)
        edition.refresh_from_db()
        return _fail(edition, str(unusable))
    except Exception as error:  # anything unforeseen still leaves a reason an editor can report
        files.delete(*made)
        edition.refresh_from_db()
        log.exception("epaper edition %s: processing failed", edition.pk)
        return _fail(edition, f"Processing stopped on an unexpected error ({error.__class__.__name__}: {error}).")
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        old = list(Page.objects.filter(edition=edition).values_list("thumb", "screen", "zoom"))
        # Pages are replaced in place, by number: saved pages and shared clips stay attached.
        existing = {p.number: p for p in Page.objects.filter(edition=edition)}
        for page in rendered:
            found = existing.pop(page.number, None)
            if found is not None:
                page.pk = found.pk
            page.save()
        Page.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
        now = clock.now()
        edition.page_count = edition.pages_done = len(rendered)
        edition.processed_at, edition.failure_reason = now, ""
        if edition.publish_when_ready:
            edition.state = Edition.State.PUBLISHED
            edition.published_at = edition.published_at or now
        else:
            edition.state = Edition.State.READY
        edition.save(update_fields=["page_count", "pages_done", "processed_at", "failure_reason", "state",
                                    "published_at"])
        stale = [name for names in old for name in names if name not in made]
        transaction.on_commit(lambda: files.delete(*stale))
    return edition


def publish(edition: Edition) -> Edition:
    """Readers see the edition (only a processed one can be published)."""
    if edition.state not in (Edition.State.READY, Edition.State.PUBLISHED):
        raise ValueError(f"Only a processed edition can be published; this one is {edition.get_state_display()}.")
    edition.state = Edition.State.PUBLISHED
    edition.published_at = edition.published_at or clock.now()
    edition.save(update_fields=["state", "published_at"])
    return edition


def unpublish(edition: Edition) -> Edition:
    """Readers no longer see the edition; its pages are kept."""
    if edition.state == Edition.State.PUBLISHED:
        edition.state = Edition.State.READY
        edition.save(update_fields=["state"])
    return edition


# --- saved pages -------------------------------------------------------------------------------

def save_page(user, page: Page) -> SavedPage:
    saved, _ = SavedPage.objects.get_or_create(user=user, page=page, defaults={"saved_at": clock.now()})
    return saved


def unsave_page(user, page: Page) -> int:
    return SavedPage.objects.filter(user=user, page=page).delete()[0]


# --- clips -------------------------------------------------------------------------------------

class ClipRefused(Exception):
    """Why a clip was not made, for the reader."""


def clips_today(user, now: dt.datetime | None = None) -> int:
    """Clips the reader made since midnight in the publication's time zone."""
    now = now or clock.now()
    local = current_publication().local(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Clip.objects.filter(user=user, created_at__gte=midnight).count()


def _fraction(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ClipRefused(f"The clip's {name} is not a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ClipRefused(f"The clip's {name} is not a number.")
    return number


def share_clip(user, page: Page, *, left, top, width, height) -> Clip:
    """A 7-day public link to one rectangle of a page (fractions 0..1 of its width and height).

    Refused (ClipRefused) outside the page, too small, or past the daily limit
    (MASTHEAD_EPAPER_CLIPS_PER_DAY). The clip's image is cut now, so the link never needs
    the page itself.
    """
    left, top = _fraction(left, "left edge"), _fraction(top, "top edge")
    width, height = _fraction(width, "width"), _fraction(height, "height")
    if width < MIN_CLIP or height < MIN_CLIP:
        raise ClipRefused("Choose a larger part of the page to share.")
    if left < 0 or top < 0 or left + width > 1.0001 or top + height > 1.0001:
        raise ClipRefused("The clip must lie within the page.")
    width, height = min(width, 1 - left), min(height, 1 - top)
    now = clock.now()
    with transaction.atomic():
        # One clip at a time per reader, so two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        limit = settings.MASTHEAD_EPAPER_CLIPS_PER_DAY
        if clips_today(user, now) >= limit:
            raise ClipRefused(f"You can share {limit} clips a day; try again tomorrow.")
        image = files.save(f"clips/{page.edition_id}/{page.number:03d}.webp",
                           processing.crop(files.read(page.zoom), left, top, width, height))
        clip = Clip.objects.create(user=user, page=page, left=left, top=top, width=width, height=height,
                                   image=image, created_at=now, expires_at=now + dt.timedelta(days=CLIP_DAYS))
    return clip


def revoke_clip(user, clip: Clip) -> Clip:
    """The link stops working at once; the clip stays listed as revoked."""
    if clip.user_id != user.pk:
        raise PermissionError("Only the reader who shared a clip can revoke it.")
    return withdraw_clip(clip)


def withdraw_clip(clip: Clip) -> Clip:
    """Stop a clip's link (its reader revoking it, or staff in the admin)."""
    if clip.revoked_at is None:
        clip.revoked_at = clock.now()
        clip.save(update_fields=["revoked_at"])
    return clip
