"""Every change to an article's life goes through here: the admin, the demo, the wire and
commands call these so they all behave the same way.

Each action locks the row, saves only the fields it changes, keeps the search index
(``search.index``) current in the same transaction, and leaves purging cached listings to
``content_changed()``, which runs again when the transaction commits.

Every action keeps a revision of the story (``revisions.recording``: who and when), and an
action given a person as ``by`` first checks that person's role (``content.roles``):
publishing, scheduling, withdrawing and restoring need ``publish_article``, picks and
their order ``curate_article``, corrections ``add_correction``. ``by=None`` is the system's
own work (the wire, the worker, the demo).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from masthead.content import revisions, roles
from masthead.content.freshness import content_changed
from masthead.content.models import Article, Correction
from masthead.content.search import index as search_index
from masthead.core import clock

# What an editor changes in a story's text and placing (its status goes through publish,
# withdraw and unpublish).
EDITABLE = ("headline", "standfirst", "body", "section", "access", "updated_at", "is_editors_pick", "is_top_story",
            "home_order", "lead_image_alt", "lead_image_caption", "lead_image_credit")


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _copy_back(source: Article, target: Article, fields: list[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))


def publish_article(article: Article, at: dt.datetime | None = None, by=None) -> Article:
    """Publish now, or schedule for ``at`` when it lies in the future.

    Publishing with no time keeps a past ``published_at`` (a withdrawn story put back
    keeps its canonical, dated URL) and otherwise stamps the current moment. A scheduled
    story goes live at its time with no job: ``Article.objects.live()`` includes it then.
    """
    now = clock.now()
    if at is not None and at.tzinfo is None:
        raise ValueError("publish_article() needs an aware datetime")
    roles.require(by, roles.PUBLISH, "publish or schedule stories")
    with transaction.atomic(), revisions.recording(by, "Scheduled" if at is not None and at > now else "Published"):
        row = _locked(article)
        if at is None:
            when = row.published_at if row.published_at and row.published_at <= now else now
        else:
            when = at
        row.status = Article.Status.SCHEDULED if when > now else Article.Status.PUBLISHED
        row.published_at = when
        row.published_by = by if getattr(by, "pk", None) else None
        fields = ["status", "published_at", "published_by", "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, fields)
    return article


# Placing on the home page is the desk's (desk chief): picks, top stories and their order.
CURATED = ("is_editors_pick", "is_top_story", "home_order")


def update_article(article: Article, *, by=None, **changes) -> Article:
    """Change a story's text or placing (headline, standfirst, body, section, access...):
    saved, reindexed for search, and every cached listing retired."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"update_article() cannot change {', '.join(sorted(unknown))}: use the status actions")
    if set(changes) & set(CURATED):
        roles.require(by, roles.CURATE, "choose editors' picks or top stories")
    if by is not None and article.is_live():
        roles.require(by, roles.PUBLISH, "change a published story")
    with transaction.atomic(), revisions.recording(by, "Changed " + ", ".join(sorted(changes))):
        row = _locked(article)
        for name, value in changes.items():
            setattr(row, name, value)
        fields = [*changes, "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, [*changes, "body", "modified_at"])
    return article


def delete_article(article: Article) -> None:
    """Delete a story for good: gone from the site, the listings and the search index."""
    with transaction.atomic():
        pk = article.pk
        Article.objects.filter(pk=pk).delete()
        search_index.remove(pk)
        content_changed()


def withdraw_article(article: Article, by=None) -> Article:
    """Take a story off the site: readers get a 404, listings and feeds drop it."""
    return _set_status(article, Article.Status.WITHDRAWN, by)


def unpublish_article(article: Article, by=None) -> Article:
    """Send a story back to draft (e.g. scheduled by mistake); its date is kept."""
    return _set_status(article, Article.Status.DRAFT, by)


def _set_status(article: Article, status: str, by) -> Article:
    roles.require(by, roles.PUBLISH, "withdraw or unpublish stories")
    comment = "Withdrawn" if status == Article.Status.WITHDRAWN else "Sent back to draft"
    with transaction.atomic(), revisions.recording(by, comment):
        row = _locked(article)
        row.status = status
        row.published_by = by if getattr(by, "pk", None) else None
        fields = ["status", "published_by", "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, fields)
    return article


# --- stories that arrive from outside the admin (the wire) -------------------------------------

TEXT_FIELDS = ("headline", "standfirst", "body", "credit")


def create_article(*, headline: str, section, standfirst: str = "", body: str = "", access: str = "",
                   origin: str = Article.Origin.STAFF, source=None, source_reference: str = "",
                   credit: str = "", tags=()) -> Article:
    """A new draft story (publish it with ``publish_article``). The body is cleaned on save."""
    with transaction.atomic(), revisions.recording(None, "Created"):
        article = Article(
            headline=headline[:300], section=section, standfirst=standfirst, body=body,
            access=access or Article.Access.METERED, origin=origin, source=source,
            source_reference=source_reference[:200], credit=credit[:300], status=Article.Status.DRAFT,
        )
        article.save()
        if tags:
            article.tags.set(tags)
        content_changed()
    return article


def revise_article(article: Article, *, headline: str, standfirst: str, body: str, credit: str,
                   updated_at: dt.datetime | None = None) -> Article:
    """Replace a story's text in place: same row, same slug and date, so the same URL.

    ``updated_at`` (default now) is what the page shows as "Updated" once the story is live.
    """
    with transaction.atomic(), revisions.recording(None, "Revised"):
        row = _locked(article)
        row.headline, row.standfirst, row.body, row.credit = headline[:300], standfirst, body, credit[:300]
        row.updated_at = updated_at or clock.now()
        fields = [*TEXT_FIELDS, "updated_at", "modified_at"]
        row.save(update_fields=fields)
        content_changed()
    _copy_back(row, article, fields)
    return article


def set_lead_picture(article: Article, picture) -> Article:
    """Show a library picture (content.pictures.Picture) as the story's lead, with its
    renditions, caption and credit."""
    with transaction.atomic(), revisions.recording(None, "Lead picture set"):
        row = _locked(article)
        row.lead_picture = picture
        fields = ["lead_picture", "modified_at"]
        row.save(update_fields=fields)
        content_changed()
    _copy_back(row, article, fields)
    return article


# --- the newsroom (issue 17): revisions, corrections, the picks desk, the schedule -------------

# What restoring a revision brings back: the story's text and placing in its section. Not its
# status or time (publishing stays a decision of its own), not the desk's picks, and never
# fewer corrections: a correction is a public record and stays on the story.
RESTORED = ("headline", "standfirst", "body", "credit", "access", "section_id",
            "lead_image_alt", "lead_image_caption", "lead_image_credit")


def restore_revision(article: Article, revision, by=None) -> Article:
    """Bring a story's text back to what it was in `revision` (a reversion Revision or its id).

    The restore is itself a new revision ("Restored the revision of ..."), so nothing is
    lost; the story is reindexed and every cached rendering retired, as ``update_article``.
    A person needs ``change_article``, and ``publish_article`` when the story is live.
    """
    revision_id = getattr(revision, "pk", revision)
    version = revisions.version_of(article, revision_id)
    if version is None:
        raise ValueError(f"Revision {revision_id} does not hold story {article.pk}.")
    roles.require(by, "content.change_article", "restore revisions")
    if by is not None and article.is_live():
        roles.require(by, roles.PUBLISH, "change a published story")
    stored = version.field_dict
    when = version.revision.date_created
    with transaction.atomic(), revisions.recording(by, f"Restored the revision of {when:%Y-%m-%d %H:%M} UTC"):
        row = _locked(article)
        for name in RESTORED:
            if name in stored:
                setattr(row, name, stored[name])
        fields = [*RESTORED, "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, [*RESTORED, "body", "modified_at"])
    return article


def add_correction(article: Article, *, text: str, kind: str = Correction.Kind.CORRECTION, by=None,
                   at: dt.datetime | None = None) -> Correction:
    """A dated correction or update on the story, shown to every reader and in its JSON-LD.

    The story's "Updated" time becomes the note's time, and the note is in the revision
    history (the revision holds the story and its corrections).
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("A correction needs its text.")
    if kind not in Correction.Kind.values:
        raise ValueError(f"{kind!r} is not a kind of note: correction or update.")
    roles.require(by, roles.CORRECT, "add corrections or updates")
    at = at or clock.now()
    label = Correction.Kind(kind).label
    with transaction.atomic(), revisions.recording(by, f"{label} added"):
        row = _locked(article)
        note = Correction.objects.create(article=row, kind=kind, text=text, at=at,
                                         by=by if getattr(by, "pk", None) else None)
        row.updated_at = at
        fields = ["updated_at", "modified_at"]
        row.save(update_fields=fields)  # the revision now holds the story with this note
        content_changed()
    _copy_back(row, article, fields)
    return note


def arrange_picks(order: dict[int, int | None], *, picks: set[int], candidates: set[int], by=None) -> int:
    """The desk's choice: which of `candidates` are editors' picks and their home page order.

    `order` maps story ids to their number (1 first; None: after the numbered ones).
    Returns how many stories changed. Needs ``curate_article`` (a desk chief).
    """
    roles.require(by, roles.CURATE, "choose editors' picks")
    changed = 0
    with transaction.atomic(), revisions.recording(by, "Picks arranged"):
        for row in Article.objects.select_for_update().filter(pk__in=candidates).order_by("pk"):
            wanted_pick = row.pk in picks
            wanted_order = order.get(row.pk) if wanted_pick else None
            if (row.is_editors_pick, row.home_order) == (wanted_pick, wanted_order):
                continue
            row.is_editors_pick, row.home_order = wanted_pick, wanted_order
            row.save(update_fields=["is_editors_pick", "home_order", "modified_at"])
            changed += 1
        if changed:
            content_changed()
    return changed


def publish_due(now: dt.datetime | None = None) -> int:
    """Mark scheduled stories whose time has come as published (the worker runs this each minute).

    Readers see a scheduled story at its time without this (``Article.objects.live()``);
    this makes the newsroom's lists, the schedule and the history say so. Returns how many.
    """
    now = now or clock.now()
    due = list(Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now)
               .order_by("published_at").values_list("pk", flat=True))
    done = 0
    for pk in due:
        with transaction.atomic(), revisions.recording(None, "Published at its scheduled time"):
            row = Article.objects.select_for_update().filter(pk=pk, status=Article.Status.SCHEDULED).first()
            if row is None:
                continue  # published, withdrawn or unscheduled meanwhile
            row.status = Article.Status.PUBLISHED
            row.save(update_fields=["status", "modified_at"])
            search_index.refresh(row.pk)
            content_changed()
            done += 1
    return done
