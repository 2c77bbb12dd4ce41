"""Ingest: documents from a transport -> parsed items -> articles, through content's actions.

For each item, in its own transaction (one bad item never undoes the others):
- unknown GUID: a new article (a draft; published at once, or at its embargo, when the
  source auto-publishes and the item has text);
- a newer version: the article's text is replaced in place (same URL, "Updated" shown),
  unless an editor changed the story here: then the version waits as a pending revision;
- an older or equal version: ignored; a resend of the same file creates nothing;
- canceled: the story is withdrawn (its page says so); withheld: taken off the site until
  a usable version comes.
A document or item that cannot be read is quarantined with its reason (the document is
kept whole) and the run goes on. Nothing raised by one document stops a run.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from masthead.content import actions as content_actions
from masthead.content import picture_actions
from masthead.content.models import Article
from masthead.content.sanitize import clean_html
from masthead.core import clock
from masthead.wire import parsers
from masthead.wire.items import Parsed, Status, WireItem
from masthead.wire.models import Quarantined, Revision, WireSource, WireStory
from masthead.wire.parsers.base import ParseError
from masthead.wire.placement import Rules, credit_for, placement
from masthead.wire.transports.base import Document

log = logging.getLogger("masthead.wire")

NEW, UPDATED, WITHDRAWN, IGNORED, HELD, QUARANTINED = "new", "updated", "withdrawn", "ignored", "held", "quarantined"


class ItemRejected(Exception):
    """This item cannot become a story (too large, no text at all...): quarantined."""


@dataclass
class Tally:
    """What a run did, for the summary line."""

    new: int = 0
    updated: int = 0
    withdrawn: int = 0
    ignored: int = 0
    held: int = 0
    quarantined: int = 0
    documents: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def add(self, other: "Tally") -> None:
        for name in ("new", "updated", "withdrawn", "ignored", "held", "quarantined", "documents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes += other.notes

    def as_line(self) -> str:
        return (f"{self.new} new, {self.updated} updated, {self.withdrawn} withdrawn, {self.ignored} ignored, "
                f"{self.quarantined} quarantined, {self.held} held for an editor "
                f"({self.documents} document{'s' if self.documents != 1 else ''})")


# --- fingerprints ----------------------------------------------------------------------------------

def text_digest(headline: str, standfirst: str, body: str, credit: str) -> str:
    """What the wire wrote into an article; if the article's text differs, an editor changed it."""
    return hashlib.sha256("\x1f".join((headline, standfirst, body, credit)).encode()).hexdigest()


def article_digest(article: Article) -> str:
    return text_digest(article.headline, article.standfirst, article.body, article.credit)


# --- quarantine ------------------------------------------------------------------------------------

def quarantine(wire_source: WireSource, name: str, reason: str, data: bytes = b"", *, reference: str = "",
               size: int | None = None) -> Quarantined:
    """Keep what could not be ingested, with the reason, for an editor to see and process again."""
    row = Quarantined(wire_source=wire_source, name=name[:300], reference=reference[:300], reason=reason,
                      size=len(data) if size is None else size, received_at=clock.now())
    if data:
        base = os.path.basename(name.rstrip("/")) or "document"
        row.document.save(base[:80], ContentFile(data), save=False)
    row.save()
    log.warning("wire: quarantined %s%s: %s", name, f" ({reference})" if reference else "", reason)
    return row


# --- one item --------------------------------------------------------------------------------------

def _compare(item: WireItem, story: WireStory) -> int:
    """1 when the item is newer than what was ingested, 0 the same, -1 older."""
    if item.version is not None and story.version is not None:
        return (item.version > story.version) - (item.version < story.version)
    if item.version_created and story.version_created:
        if item.version_created != story.version_created:
            return 1 if item.version_created > story.version_created else -1
        return 0  # the same version, perhaps sent again in another format
    # Neither a version nor a version time (most RSS): a changed text is a new version.
    return 0 if item.digest == story.item_digest else 1


def _article_text(wire_source: WireSource, item: WireItem) -> dict:
    body = clean_html(item.body_html)
    limit = settings.MASTHEAD_WIRE_MAX_ITEM_KB * 1024
    if len(item.body_html.encode()) > limit:
        raise ItemRejected(f"the story is {len(item.body_html.encode())} bytes, over the limit of {limit}")
    return {"headline": item.headline[:300], "standfirst": item.standfirst, "body": body,
            "credit": credit_for(wire_source, item.byline)}


def _publish(wire_source: WireSource, article: Article, item: WireItem, tally: Tally) -> None:
    if not wire_source.auto_publish:
        return
    if not article.body.strip():
        tally.notes.append(f"“{article.headline}” has no text: kept as a draft for an editor")
        return
    now = clock.now()
    embargo = item.embargo_until if item.embargo_until and item.embargo_until > now else None
    # An embargoed story is scheduled for its embargo: live at that instant, with no job to run.
    content_actions.publish_article(article, at=embargo)


def _record(story: WireStory, item: WireItem, state: str, text: dict) -> Revision:
    now = clock.now()
    return Revision.objects.create(
        story=story, version=item.version, version_created=item.version_created, received_at=now,
        applied_at=now if state == Revision.State.APPLIED else None, state=state, **text,
    )


def _story_fields(item: WireItem) -> dict:
    return {
        "version": item.version, "version_created": item.version_created, "first_created": item.first_created,
        "embargo_until": item.embargo_until, "urgency": item.urgency, "item_digest": item.digest,
        "dateline": item.dateline[:200], "language": item.language[:20], "rights": item.rights[:500],
        "format": item.format[:20],
    }


def apply_item(wire_source: WireSource, item: WireItem, tally: Tally,
               rules: Rules | None = None) -> tuple[str, Article | None]:
    """Turn one item into a new article, an update, a withdrawal, a pending revision or nothing."""
    now = clock.now()
    with transaction.atomic():
        story = (WireStory.objects.select_for_update().select_related("article")
                 .filter(wire_source=wire_source, guid=item.guid).first())
        if story is None:
            if item.status is not Status.USABLE:
                tally.notes.append(f"{item.guid}: a {item.status.value} notice for a story never received")
                return IGNORED, None
            text = _article_text(wire_source, item)
            section, tags = placement(wire_source, item, rules)
            article = content_actions.create_article(
                section=section, tags=tags, access=wire_source.default_access, origin=Article.Origin.WIRE,
                source=wire_source.source, source_reference=_reference(item.guid), **text,
            )
            story = WireStory.objects.create(
                wire_source=wire_source, guid=item.guid, article=article, received_at=now, updated_at=now,
                text_digest=article_digest(article), **_story_fields(item),
            )
            _record(story, item, Revision.State.APPLIED, text)
            _publish(wire_source, article, item, tally)
            return NEW, article

        article = story.article
        order = _compare(item, story)
        if order < 0 or (order == 0 and item.status is Status.USABLE):
            return IGNORED, article
        if story.state == WireStory.State.WITHDRAWN:
            tally.notes.append(f"“{article.headline}” was withdrawn by the agency: a later version is not run")
            return IGNORED, article
        for name, value in _story_fields(item).items():
            setattr(story, name, value)
        story.updated_at = now
        if item.status is Status.CANCELED:
            story.state = WireStory.State.WITHDRAWN
            story.save()
            content_actions.withdraw_article(article)
            return WITHDRAWN, article
        if item.status is Status.WITHHELD:
            story.state = WireStory.State.WITHHELD
            story.save()
            if article.status != Article.Status.DRAFT:
                content_actions.unpublish_article(article)
            return WITHDRAWN, article

        text = _article_text(wire_source, item)
        was_withheld = story.state == WireStory.State.WITHHELD
        story.state = WireStory.State.ACTIVE
        if article_digest(article) != story.text_digest:
            # An editor changed this story here: their text stays until they take the update.
            story.revisions.filter(state=Revision.State.PENDING).update(state=Revision.State.SUPERSEDED)
            _record(story, item, Revision.State.PENDING, text)
            story.save()
            return HELD, article
        content_actions.revise_article(article, updated_at=now, **text)
        story.text_digest = article_digest(article)
        story.save()
        _record(story, item, Revision.State.APPLIED, text)
        if was_withheld or (article.status == Article.Status.SCHEDULED and not article.is_live(now)):
            _publish(wire_source, article, item, tally)
        return UPDATED, article


def _reference(guid: str) -> str:
    """content.Article.source_reference holds 200 characters: a longer GUID is kept by its hash."""
    return guid if len(guid) <= 200 else "sha256:" + hashlib.sha256(guid.encode()).hexdigest()


# --- pictures --------------------------------------------------------------------------------------

PICTURE_TYPES = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def attach_picture(article: Article, item: WireItem, fetch: Callable[[str], bytes] | None, tally: Tally) -> None:
    """The item's first picture that can be fetched and that the picture library takes (a real
    JPEG, PNG, WebP or GIF, large enough for its renditions) joins the library and becomes the
    story's lead picture, with its caption and credit. A missing, broken or refused picture
    is noted with the reason and never blocks the text."""
    if fetch is None or not item.pictures or article.lead_picture_id or article.lead_image:
        return
    for picture in item.pictures:
        stem = os.path.splitext(os.path.basename(picture.href.split("?")[0]))[0][:60] or "picture"
        try:
            data = fetch(picture.href)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
            if kind not in PICTURE_TYPES:
                raise ValueError(f"a {kind} picture is not one the site shows")
            added = picture_actions.add_picture(name=f"{stem}.{PICTURE_TYPES[kind]}", content=data,
                                                alt=picture.alt or item.headline, caption=picture.caption,
                                                credit=picture.credit)
        except (OSError, ValueError, UnidentifiedImageError, Exception) as exc:  # noqa: BLE001 - never block the text
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            tally.notes.append(f"“{article.headline}”: picture {picture.href[:120]} not used ({reason})")
            continue
        content_actions.set_lead_picture(article, added)
        return


# --- one document ----------------------------------------------------------------------------------

def parse_document(wire_source: WireSource, document: Document) -> Parsed:
    """The document's items; ParseError for a document that cannot be read at all."""
    if document.too_large:
        limit = settings.MASTHEAD_WIRE_MAX_FILE_MB
        raise ParseError(f"{document.size} bytes, over the limit of {limit} MB per file (not read)")
    if not document.data.strip():
        raise ParseError("the file is empty")
    fmt = wire_source.format
    parser = parsers.detect(document.data) if fmt in ("", WireSource.Format.AUTO) else parsers.parser_for(fmt)
    return parser.parse(document.data)


def ingest_document(wire_source: WireSource, document: Document, tally: Tally,
                    *, on_failure: Callable[..., None] | None = None, rules: Rules | None = None) -> str | None:
    """Ingest one document. Returns None, or the reason the whole document failed.

    `on_failure(name, reason, data, reference=, size=)` is told of each failure (default:
    quarantine it).
    """
    failed = on_failure or (lambda name, reason, data, **kw: quarantine(wire_source, name, reason, data, **kw))
    tally.documents += 1
    try:
        parsed = parse_document(wire_source, document)
    except ParseError as exc:
        failed(document.name, str(exc), document.data, size=document.size)
        tally.quarantined += 1
        return str(exc)
    for skipped in parsed.skipped:
        tally.ignored += 1
        tally.notes.append(f"{skipped.reference}: skipped, {skipped.reason}")
    for bad in parsed.unreadable:
        failed(document.name, bad.reason, bad.raw, reference=bad.reference)
        tally.quarantined += 1
    rules = rules or Rules(wire_source)
    for item in parsed.items:
        try:
            outcome, article = apply_item(wire_source, item, tally, rules)
        except ItemRejected as exc:
            failed(document.name, str(exc), b"", reference=item.guid, size=len(item.body_html.encode()))
            tally.quarantined += 1
            continue
        except Exception as exc:  # noqa: BLE001 - one broken item never stops a run; it is kept with its reason
            log.exception("wire: item %s of %s failed", item.guid, document.name)
            failed(document.name, f"{exc.__class__.__name__}: {exc}", document.data, reference=item.guid)
            tally.quarantined += 1
            continue
        tally.count(outcome)
        if article is not None and outcome in (NEW, UPDATED):
            attach_picture(article, item, document.fetch, tally)
    return None


def ingest_documents(wire_source: WireSource, documents: Iterable[Document], *,
                     progress: Callable[[int, int], None] | None = None) -> Tally:
    """Ingest documents in order, finishing each (a folder moves it aside) as it is done."""
    documents = list(documents)
    tally = Tally()
    rules = Rules(wire_source)
    for done, document in enumerate(documents, start=1):
        try:
            error = ingest_document(wire_source, document, tally, rules=rules)
        except Exception as exc:  # noqa: BLE001 - e.g. the database went away: keep the file, say why
            log.exception("wire: %s failed", document.name)
            error = f"{exc.__class__.__name__}: {exc}"
            tally.quarantined += 1
        document.finish(error)
        if progress:
            progress(done, len(documents))
    return tally
