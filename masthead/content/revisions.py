"""Revisions of stories (django-reversion): every save through the actions or the admin
keeps one, with who and when; two can be compared; one is restored through
``actions.restore_revision``.

A revision holds the article and its corrections (they are followed), so adding a
correction shows in the history. Registration happens in ContentConfig.ready(), never on
import. The time of a revision is the clock's (masthead.core.clock), so tests name it.
"""

from __future__ import annotations

import contextlib
import difflib
import html
from dataclasses import dataclass

import reversion
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from masthead.content.sanitize import plain_text
from masthead.core import clock

# What the comparison shows, in the order an editor reads a story.
COMPARED = (("headline", "Headline"), ("standfirst", "Standfirst"), ("body", "Body"))


def register() -> None:
    """Keep revisions of articles and their corrections (called from ContentConfig.ready())."""
    from masthead.content.models import Article, Correction

    if not reversion.is_registered(Article):
        reversion.register(Article, follow=("corrections",))
    if not reversion.is_registered(Correction):
        reversion.register(Correction)


@contextlib.contextmanager
def recording(by=None, comment: str = ""):
    """One revision for the saves inside (nested blocks join the outer one: an admin save
    that publishes is one revision), by `by`, at the clock's time."""
    with reversion.create_revision():
        if getattr(by, "pk", None):
            reversion.set_user(by)
        reversion.set_date_created(clock.now())
        note(comment)
        yield


def note(comment: str) -> None:
    """Add a line to the current revision's comment (what an admin save or action did)."""
    if not comment or not reversion.is_active():
        return
    current = reversion.get_comment()
    if comment not in current.split("; "):
        reversion.set_comment(f"{current}; {comment}" if current else comment)


def history(article):
    """The story's versions, newest first, with their revisions (who, when, what)."""
    return (Version.objects.get_for_object(article).select_related("revision", "revision__user")
            .order_by("-revision__date_created", "-pk"))


def version_of(article, revision_id: int) -> Version | None:
    """The story's version in one revision (None if that revision does not hold it)."""
    return history(article).filter(revision_id=revision_id).first()


# --- comparing two revisions ------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    label: str
    changed: bool
    diff_html: SafeString


def _words(field: str, value) -> list[str]:
    text = str(value or "")
    if field == "body":
        # Compare what a reader reads, paragraph by paragraph, not the markup.
        text = text.replace("</p>", "</p>\n").replace("</h2>", "</h2>\n").replace("</li>", "</li>\n")
        return [plain_text(line) for line in text.splitlines() if plain_text(line)]
    return [text] if text else []


def _diff_lines(old: list[str], new: list[str]) -> SafeString:
    """Removed lines struck through, added lines marked, in order; unchanged lines plain."""
    out = []
    for op in difflib.ndiff(old, new):
        tag, line = op[:2], op[2:]
        if tag == "- ":
            out.append(format_html('<del class="revision-diff__removed">{}</del>', line))
        elif tag == "+ ":
            out.append(format_html('<ins class="revision-diff__added">{}</ins>', line))
        elif tag == "  ":
            out.append(format_html("<span>{}</span>", line))
    return format_html_join("", "<p>{}</p>", ((piece,) for piece in out)) if out else mark_safe("<p>-</p>")


def notes_in(version: Version) -> list[str]:
    """The story's corrections and updates as that revision held them ("Correction: ...")."""
    held = []
    for other in version.revision.version_set.all():
        if other.content_type.model != "correction":
            continue
        fields = other.field_dict
        if str(fields.get("article_id", fields.get("article"))) != str(version.object_id):
            continue
        held.append((fields.get("at"), f"{str(fields.get('kind', '')).title()}: {fields.get('text', '')}"))
    return [text for _, text in sorted(held, key=lambda pair: str(pair[0]))]


def compare(older: Version, newer: Version) -> list[FieldChange]:
    """Headline, standfirst, body and the corrections of two versions of a story, as readable
    differences."""
    changes = []
    for field, label in COMPARED:
        before, after = older.field_dict.get(field), newer.field_dict.get(field)
        changes.append(FieldChange(label, (before or "") != (after or ""),
                                   _diff_lines(_words(field, before), _words(field, after))))
    before, after = notes_in(older), notes_in(newer)
    changes.append(FieldChange("Corrections and updates", before != after, _diff_lines(before, after)))
    return changes


def summary_of(version: Version) -> str:
    """One line naming a version: its headline as it stood (plain text, escaped by templates)."""
    return html.unescape(str(version.field_dict.get("headline") or ""))
