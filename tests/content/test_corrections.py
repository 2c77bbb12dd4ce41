"""Corrections and updates (actions.add_correction): on the story for every reader, in its
JSON-LD, moving the "Updated" time, kept in the revision history."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from masthead.content import actions, revisions
from masthead.content.models import Article, Correction
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT, ORDINARY_DAY

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph for everyone.</p><p>Second paragraph, gated and secret.</p>"


def _jsonld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_correction_shows_on_the_story_with_its_date_and_moves_updated(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(body=BODY, access=Article.Access.FREE, published_at=ORDINARY_DAY - dt.timedelta(hours=2))

    with clock.travel(ORDINARY_DAY, frozen=True):
        note = actions.add_correction(story, text="An earlier version misnamed the minister.", by=editor)
        page = Client().get(story.get_absolute_url()).content.decode()

    assert (note.kind, note.at, note.by) == (Correction.Kind.CORRECTION, ORDINARY_DAY, editor)
    assert ('<aside class="article__corrections" aria-label="Corrections and updates"><ul>'
            '<li class="article__note article__note--correction"><strong>Correction</strong> · '
            '<time datetime="2026-06-15T12:00:00+05:30">15 June 2026, 12:00 IST</time>: '
            'An earlier version misnamed the minister.</li></ul></aside>') in page
    assert 'Updated <time datetime="2026-06-15T12:00:00+05:30">15 June 2026, 12:00 IST</time>' in page
    assert Article.objects.get(pk=story.pk).updated_at == ORDINARY_DAY


def test_the_json_ld_carries_the_correction_and_date_modified(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(body=BODY, access=Article.Access.FREE, published_at=ORDINARY_DAY - dt.timedelta(hours=2))
    with clock.travel(ORDINARY_DAY, frozen=True):
        actions.add_correction(story, text="The rate is 6.5%, not 6%.", by=editor)
    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=1), frozen=True):
        actions.add_correction(story, kind=Correction.Kind.UPDATE, text="The minister has since replied.", by=editor)
        data = _jsonld(Client().get(story.get_absolute_url()).content.decode())

    assert data["dateModified"] == "2026-06-15T07:30:00+00:00"
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": "The rate is 6.5%, not 6%.", "datePublished": "2026-06-15T06:30:00+00:00"},
    ]


def test_a_gated_story_shows_its_correction_but_never_the_gated_body(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    actions.add_correction(story, text="The figure was for 2025.", by=editor)

    page = Client().get(story.get_absolute_url(), follow=True).content.decode()

    assert "The figure was for 2025." in page
    assert "gated and secret" not in page
    assert '"correction":[{"@type":"CorrectionComment","text":"The figure was for 2025."' in page


def test_a_correction_is_in_the_revision_history(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(body=BODY)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT - dt.timedelta(hours=1), frozen=True):
        actions.update_article(story, headline="Before the note", by=editor)

    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        actions.add_correction(story, text="Spelling of the town corrected.", by=editor)

    version, before = revisions.history(story)
    changes = {c.label: (c.changed, str(c.diff_html)) for c in revisions.compare(before, version)}
    assert changes["Corrections and updates"] == (
        True, '<p><ins class="revision-diff__added">Correction: Spelling of the town corrected.</ins></p>')
    assert changes["Body"][0] is False
    notes = [v.field_dict["text"] for v in version.revision.version_set.all() if v.content_type.model == "correction"]
    assert (version.revision.user, version.revision.get_comment(), version.field_dict["updated_at"]) == (
        editor, "Correction added", IST_JUST_AFTER_MIDNIGHT)
    assert notes == ["Spelling of the town corrected."]


def test_a_reporter_cannot_add_a_correction_and_empty_text_is_refused(publication, staff_in):
    reporter, editor = staff_in("Reporter"), staff_in("Editor")
    story = ArticleFactory()

    with pytest.raises(PermissionDenied):
        actions.add_correction(story, text="Not mine to say.", by=reporter)
    with pytest.raises(ValueError, match="needs its text"):
        actions.add_correction(story, text="   ", by=editor)
    assert _client(reporter).get(f"/admin/content/article/{story.pk}/correct/").status_code == 403
    assert Correction.objects.count() == 0


def test_an_editor_adds_a_correction_in_the_admin(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(headline="Port reopens")
    client = _client(editor)

    with clock.travel(ORDINARY_DAY, frozen=True):
        refused = client.post(f"/admin/content/article/{story.pk}/correct/", {"kind": "correction", "text": ""})
        response = client.post(f"/admin/content/article/{story.pk}/correct/",
                               {"kind": "update", "text": "Ships are moving again."})
    form = client.get(f"/admin/content/article/{story.pk}/change/").content.decode()

    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert response.status_code == 302
    assert list(story.corrections.values_list("kind", "text", "at")) == [("update", "Ships are moving again.", ORDINARY_DAY)]
    assert "<li><strong>Update</strong>, 15 Jun 2026, 12:00: Ships are moving again.</li>" in form
