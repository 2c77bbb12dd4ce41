"""The wire's actions: the command, the worker's schedule and the admin all call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from masthead.content import actions as content_actions
from masthead.content.models import Section, Source
from masthead.core import clock
from masthead.wire.ingest import Tally, article_digest, ingest_document, ingest_documents
from masthead.wire.models import DEFAULT_DISCLAIMER, Quarantined, Revision, WireSource
from masthead.wire.transports import TransportError, transport_for
from masthead.wire.transports.base import Document, fetch_url
from masthead.wire.transports.folder import document_for, files_in

log = logging.getLogger("masthead.wire")

AD_HOC_NAME = "Wire (ad hoc)"
MAX_BACKOFF = dt.timedelta(hours=6)


# --- sources --------------------------------------------------------------------------------------

def create_source(name: str, *, section: Section | None = None, disclaimer: str = DEFAULT_DISCLAIMER,
                  **settings) -> WireSource:
    """A content Source and its wire settings, in one go."""
    with transaction.atomic():
        base = slugify(name)[:70] or "wire"
        slug, n = base, 1
        while Source.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        source = Source.objects.create(name=name, slug=slug, disclaimer=disclaimer)
        return WireSource.objects.create(source=source, default_section=section or default_section(), **settings)


def default_section() -> Section:
    """The first section in the navigation (a 'News' section is made on an empty site)."""
    section = Section.objects.order_by("order", "name").first()
    if section is None:
        section = Section.objects.create(slug="news", name="News")
    return section


def source_named(name: str | None) -> WireSource:
    """The wire source with this name (or slug); with no name, the ad hoc source, created on first use.

    Raises WireSource.DoesNotExist for a name no source has.
    """
    if not name:
        found = WireSource.objects.select_related("source").filter(source__name=AD_HOC_NAME).first()
        return found or create_source(AD_HOC_NAME, transport=WireSource.Transport.UPLOAD)
    found = (WireSource.objects.select_related("source").filter(source__name__iexact=name).first()
             or WireSource.objects.select_related("source").filter(source__slug=name).first())
    if found is None:
        raise WireSource.DoesNotExist(f"no wire source named {name!r}")
    return found


# --- passes ---------------------------------------------------------------------------------------

def backoff(wire_source: WireSource) -> dt.timedelta:
    """How long after a failed poll the next one is tried: the interval, doubled per failure in a row."""
    interval = dt.timedelta(minutes=max(wire_source.poll_minutes, 1))
    return min(interval * (2 ** max(wire_source.failures, 0)), MAX_BACKOFF)


def poll_source(wire_source: WireSource, *, progress: Callable[[int, int], None] | None = None) -> Tally:
    """One pass over a source: fetch what its transport has, ingest it, plan the next poll."""
    now = clock.now()
    transport = transport_for(wire_source.transport)
    try:
        documents = transport.documents(wire_source)
    except TransportError as exc:
        wire_source.failures += 1
        wire_source.last_error = str(exc)[:500]
        wire_source.last_polled_at = now
        wire_source.next_poll_at = now + backoff(wire_source)
        wire_source.save(update_fields=["failures", "last_error", "last_polled_at", "next_poll_at",
                                        "etag", "last_modified", "last_digest"])
        log.warning("wire: %s: %s (next try %s)", wire_source, exc, wire_source.next_poll_at.isoformat())
        tally = Tally()
        tally.notes.append(f"{wire_source}: {exc}")
        return tally
    tally = ingest_documents(wire_source, documents, progress=progress)
    wire_source.failures = 0
    wire_source.last_error = ""
    wire_source.last_polled_at = now
    wire_source.next_poll_at = now + dt.timedelta(minutes=max(wire_source.poll_minutes, 1))
    wire_source.save(update_fields=["failures", "last_error", "last_polled_at", "next_poll_at",
                                    "etag", "last_modified", "last_digest"])
    return tally


def poll_due(now: dt.datetime | None = None) -> Tally:
    """Every enabled source whose time has come (the worker runs this every minute)."""
    now = now or clock.now()
    tally = Tally()
    due = (WireSource.objects.select_related("source").filter(enabled=True)
           .exclude(transport=WireSource.Transport.UPLOAD))
    for wire_source in due:
        if wire_source.next_poll_at is None or wire_source.next_poll_at <= now:
            tally.add(poll_source(wire_source))
    return tally


def poll_all(*, progress: Callable[[int, int], None] | None = None, only: WireSource | None = None) -> Tally:
    """One pass over every enabled source (or one), whatever their schedule: `masthead ingest`."""
    sources = [only] if only else list(WireSource.objects.select_related("source").filter(enabled=True))
    tally = Tally()
    for wire_source in sources:
        tally.add(poll_source(wire_source, progress=progress))
    return tally


def documents_at(paths: list[str]) -> list[Document]:
    """The files named (folders: the files in them), left where they are."""
    found = []
    for name in paths:
        path = Path(name).expanduser()
        if path.is_dir():
            found += [document_for(p, move=False, root=path) for p in files_in(path)]
        elif path.is_file():
            found.append(document_for(path, move=False))
        else:
            raise FileNotFoundError(f"{name}: no such file or folder")
    return found


def ingest_paths(wire_source: WireSource, paths: list[str], *,
                 progress: Callable[[int, int], None] | None = None) -> Tally:
    """Ingest files or folders into a source, each file's format detected (files are not moved)."""
    return ingest_documents(wire_source, documents_at(paths), progress=progress)


def ingest_uploads(wire_source: WireSource, files) -> Tally:
    """Files uploaded in the admin."""
    from masthead.wire.transports.upload import documents_from_uploads

    return ingest_documents(wire_source, documents_from_uploads(files))


# --- the quarantine --------------------------------------------------------------------------------

def reprocess(row: Quarantined) -> bool:
    """Ingest a quarantined document again (after the agency or the parser is fixed).

    True when it went through: the row is marked resolved. Otherwise the row keeps the new
    reason and counts the attempt; no new quarantine row is made.
    """
    if row.resolved_at or not row.document:
        return False
    with row.document.open("rb") as handle:
        data = handle.read()
    reasons: list[str] = []
    document = Document(name=row.name, data=data, size=len(data), fetch=fetch_url)
    ingest_document(row.wire_source, document, Tally(),
                    on_failure=lambda name, reason, data, **kw: reasons.append(reason))
    row.attempts += 1
    if reasons:
        row.reason = "; ".join(reasons)
        row.save(update_fields=["attempts", "reason"])
        return False
    row.resolved_at = clock.now()
    row.save(update_fields=["attempts", "resolved_at"])
    return True


# --- pending revisions -----------------------------------------------------------------------------

def apply_revision(revision: Revision) -> None:
    """An editor takes the agency's newer version over their own edit."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().select_related("story__article").get(pk=revision.pk)
        if revision.state != Revision.State.PENDING:
            return
        story, article = revision.story, revision.story.article
        content_actions.revise_article(article, headline=revision.headline, standfirst=revision.standfirst,
                                       body=revision.body, credit=revision.credit, updated_at=clock.now())
        story.text_digest = article_digest(article)
        story.save(update_fields=["text_digest"])
        revision.state = Revision.State.APPLIED
        revision.applied_at = clock.now()
        revision.save(update_fields=["state", "applied_at"])


def discard_revision(revision: Revision) -> None:
    """An editor keeps their text; the agency's version is set aside (kept, marked discarded)."""
    Revision.objects.filter(pk=revision.pk, state=Revision.State.PENDING).update(state=Revision.State.DISCARDED)
