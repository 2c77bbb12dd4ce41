"""Revisions of stories (content.revisions): kept by every save, compared, restored through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from masthead.content import actions, revisions
from masthead.content.models import Article
from masthead.content.rendering import facts_for_slug, parts_for
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(article, **overrides):
    data = {
        "headline": article.headline, "slug": article.slug, "standfirst": article.standfirst, "body": article.body,
        "section": str(article.section_id), "status": article.status, "published_at_0": "", "published_at_1": "",
        "updated_at_0": "", "updated_at_1": "", "access": article.access, "origin": "staff", "source": "",
        "source_reference": "", "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
    }
    data.update(overrides)
    return data


def test_every_action_keeps_a_revision_with_who_and_when(publication, staff_in):
    editor = staff_in("Editor")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="First words")

    with clock.travel(ORDINARY_DAY, frozen=True):
        actions.update_article(draft, headline="Second words", by=editor)
    with clock.travel(ORDINARY_DAY + dt.timedelta(minutes=5), frozen=True):
        actions.publish_article(draft, by=editor)

    kept = [(v.revision.date_created, v.revision.user, v.revision.get_comment(), v.field_dict["headline"],
             v.field_dict["status"]) for v in revisions.history(draft)]
    assert kept == [
        (ORDINARY_DAY + dt.timedelta(minutes=5), editor, "Published", "Second words", "published"),
        (ORDINARY_DAY, editor, "Changed headline", "Second words", "draft"),
    ]


def test_a_wire_revision_is_kept_as_the_systems(publication):
    story = actions.create_article(headline="Agency copy", section=SectionFactory(), body="<p>First take.</p>")
    actions.revise_article(story, headline="Agency copy, updated", standfirst="", body="<p>Second take.</p>",
                           credit="")

    kept = [(v.revision.user, v.revision.get_comment(), v.field_dict["body"]) for v in revisions.history(story)]
    assert kept == [(None, "Revised", "<p>Second take.</p>"), (None, "Created", "<p>First take.</p>")]


def test_an_admin_save_keeps_one_revision_by_the_editor(publication, staff_in):
    editor = staff_in("Editor")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Draft headline")

    response = _client(editor).post(f"/admin/content/article/{draft.pk}/change/",
                                    _form(draft, headline="Published headline", status="published"))

    assert response.status_code == 302
    (version,) = revisions.history(draft)
    assert (version.revision.user, version.field_dict["headline"], version.field_dict["status"]) == (
        editor, "Published headline", "published")
    assert version.revision.get_comment() == "Published; Changed Headline and Status."


def test_two_revisions_compare_headline_standfirst_and_body(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Rates held",
                           standfirst="No change.", body="<p>The committee voted.</p><p>Markets rose.</p>")
    with clock.travel(ORDINARY_DAY, frozen=True):
        actions.update_article(story, headline="Rates held", by=editor)
    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=1), frozen=True):
        actions.update_article(story, headline="Rates held at 6.5%", body="<p>The committee voted.</p><p>Markets fell.</p>",
                               by=editor)
    newer, older = revisions.history(story)

    changes = {c.label: (c.changed, str(c.diff_html)) for c in revisions.compare(older, newer)}
    page = _client(editor).get(f"/admin/content/article/{story.pk}/revisions/compare/",
                               {"older": older.revision_id, "newer": newer.revision_id}).content.decode()

    assert changes["Headline"] == (True, '<p><del class="revision-diff__removed">Rates held</del></p>'
                                         '<p><ins class="revision-diff__added">Rates held at 6.5%</ins></p>')
    assert changes["Standfirst"] == (False, "<p><span>No change.</span></p>")
    assert changes["Body"] == (True, "<p><span>The committee voted.</span></p>"
                                     '<p><del class="revision-diff__removed">Markets rose.</del></p>'
                                     '<p><ins class="revision-diff__added">Markets fell.</ins></p>')
    assert '<del class="revision-diff__removed">Markets rose.</del>' in page
    assert "Standfirst <span class=\"revision-diff__unchanged\">(unchanged)</span>" in page


def test_restoring_a_revision_brings_the_text_back_as_a_new_revision(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory(headline="The right headline", body="<p>Right body.</p>", access=Article.Access.FREE)
    with clock.travel(ORDINARY_DAY, frozen=True):
        actions.update_article(story, headline="The right headline", by=editor)
    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=1), frozen=True):
        actions.update_article(story, headline="A wrong headline", body="<p>Wrong body.</p>", by=editor)
    good = revisions.history(story).last()
    facts = facts_for_slug(story.slug)
    assert "A wrong headline" in parts_for(facts, 1, free=True).header_html

    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=2), frozen=True):
        actions.restore_revision(story, good.revision, by=editor)

    story.refresh_from_db()
    assert (story.headline, story.body, story.status) == ("The right headline", "<p>Right body.</p>", "published")
    latest = revisions.history(story).first()
    assert (latest.revision.user, latest.revision.get_comment(), latest.field_dict["headline"]) == (
        editor, "Restored the revision of 2026-06-15 06:30 UTC", "The right headline")
    assert revisions.history(story).count() == 3
    # The cached rendering went with the bump: the page shows the restored headline.
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "The right headline" in page and "A wrong headline" not in page


def test_restore_through_the_admin_needs_a_post_and_an_editor_for_a_live_story(publication, staff_in):
    editor, reporter = staff_in("Editor"), staff_in("Reporter")
    story = ArticleFactory(headline="Kept")
    actions.update_article(story, headline="Kept", by=editor)
    actions.update_article(story, headline="Changed", by=editor)
    kept = revisions.history(story).last()
    url = f"/admin/content/article/{story.pk}/revisions/{kept.revision_id}/restore/"

    assert _client(editor).get(url).status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Changed"
    assert _client(reporter).post(url).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.restore_revision(story, kept.revision, by=reporter)
    assert Article.objects.get(pk=story.pk).headline == "Changed"

    response = _client(editor).post(url)

    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Kept"


def test_the_revisions_page_lists_who_and_when_in_the_publications_time(publication, staff_in):
    editor = staff_in("Editor", username="rahul")
    story = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with clock.travel(ORDINARY_DAY, frozen=True):
        actions.update_article(story, headline="Monsoon arrives", by=editor)

    page = _client(editor).get(f"/admin/content/article/{story.pk}/revisions/").content.decode()

    assert "<td>15 Jun 2026, 12:00</td><td>rahul</td><td>Changed headline</td><td>Monsoon arrives</td>" in page


def test_a_revision_of_another_story_is_refused(publication, staff_in):
    editor = staff_in("Editor")
    one, other = ArticleFactory(), ArticleFactory()
    actions.update_article(other, headline="Other", by=editor)

    with pytest.raises(ValueError, match="does not hold story"):
        actions.restore_revision(one, revisions.history(other).first().revision, by=editor)
