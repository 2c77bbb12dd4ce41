"""Journey: a reporter drafts a story, an editor adds a correction and publishes it, and an
anonymous reader sees the story with its correction. (The picture step joins after the
pictures work is merged.)"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from masthead.content import revisions
from masthead.content.models import Article
from tests.browser.factories import PublicationFactory, SectionFactory, make_user
from tests.browser.test_editor_journey import admin_login, write_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Harbour bridge reopens after repairs"
CORRECTION = "An earlier version gave the bridge's length as 2 km; it is 1.2 km."


def in_role(role: str, username: str):
    if not Group.objects.filter(name=role).exists():  # a transactional test empties the tables
        importlib.import_module("masthead.content.migrations.0007_newsroom").create_roles(apps, None)
    user = make_user(f"{username}@journey.test", username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_a_reporter_drafts_an_editor_corrects_and_publishes_and_the_reader_sees_it(new_context):
    # Given a reporter, an editor and a section
    PublicationFactory()
    SectionFactory(slug="city", name="City")
    in_role("Reporter", "reporter")
    editor = in_role("Editor", "editor")

    # When the reporter drafts the story: there is no status to choose, it is saved as a draft
    desk = new_context("reporter").new_page()
    admin_login(desk, "reporter")
    desk.goto("/admin/content/article/add/")
    assert desk.locator("select[name=status]").count() == 0
    desk.fill("[name=headline]", HEADLINE)
    desk.fill("[name=standfirst]", "Traffic returns to the harbour crossing.")
    write_body(desk, "<p>The bridge reopened at dawn.</p><p>Repairs took six months.</p>")
    desk.select_option("select[name=section]", label="City")
    desk.select_option("select[name=access]", value=Article.Access.FREE)
    desk.click("input[name=_save], button[name=_save]")
    desk.wait_for_url("**/admin/content/article/")
    assert "was added successfully" in desk.content()
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Article.Status.DRAFT

    # And the editor adds a correction, then publishes it
    page = new_context("editor").new_page()
    admin_login(page, "editor")
    page.goto(f"/admin/content/article/{article.pk}/change/")
    page.click("text=Add a correction or update")
    page.fill("textarea[name=text]", CORRECTION)
    page.click("input[type=submit][value='Add the note']")
    page.wait_for_url(f"**/admin/content/article/{article.pk}/change/")
    assert "Correction added to" in page.content()
    page.select_option("select[name=status]", value=Article.Status.PUBLISHED)
    page.click("input[name=_save], button[name=_save]")
    page.wait_for_url("**/admin/content/article/")
    article.refresh_from_db()
    assert (article.status, article.published_by) == (Article.Status.PUBLISHED, editor)

    # Then an anonymous reader sees the story and its correction
    reader = new_context("reader").new_page()
    reader.goto(article.get_absolute_url())
    assert reader.locator("h1.article__headline").inner_text() == HEADLINE
    note = reader.locator(".article__corrections li")
    assert note.count() == 1
    assert CORRECTION in note.inner_text() and note.inner_text().startswith("Correction")
    assert "The bridge reopened at dawn." in reader.content()

    # And the history keeps every step, by whom
    kept = [(v.revision.user.get_username() if v.revision.user else None, v.revision.get_comment())
            for v in revisions.history(article)]
    assert [who for who, _ in kept] == ["editor", "editor", "reporter"]
    assert kept[1][1] == "Correction added"
