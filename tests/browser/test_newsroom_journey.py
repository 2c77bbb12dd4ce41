"""Journey: a reporter puts a photograph in the picture library and drafts a story with
formatting and that picture, an editor adds a correction and publishes it, and an anonymous
reader sees the story, its picture (a WebP rendition) and its correction."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from PIL import Image

from masthead.content import revisions
from masthead.content.models import Article
from tests.browser.factories import PublicationFactory, SectionFactory, make_user
from tests.browser.test_editor_journey import add_to_library, admin_login, write_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Harbour bridge reopens after repairs"
CORRECTION = "An earlier version gave the bridge's length as 2 km; it is 1.2 km."


def in_role(role: str, username: str):
    if not Group.objects.filter(name=role).exists():  # a transactional test empties the tables
        importlib.import_module("masthead.content.migrations.0007_newsroom").create_roles(apps, None)
        importlib.import_module("masthead.content.migrations.0009_merge_pictures_newsroom").grant(apps, None)
    user = make_user(f"{username}@journey.test", username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_a_reporter_drafts_an_editor_corrects_and_publishes_and_the_reader_sees_it(new_context, tmp_path):
    # Given a reporter, an editor, a section and a photograph on the reporter's disk
    PublicationFactory()
    SectionFactory(slug="city", name="City")
    in_role("Reporter", "reporter")
    editor = in_role("Editor", "editor")
    photo = tmp_path / "bridge.jpg"
    Image.new("RGB", (1600, 900), (120, 60, 30)).save(photo, "JPEG")

    # When the reporter puts the photograph in the picture library
    desk = new_context("reporter").new_page()
    admin_login(desk, "reporter")
    picture = add_to_library(desk, photo, alt="The harbour bridge at dawn", credit="Photo: S. Iyer")

    # ...and drafts the story with formatting and the picture: there is no status to choose
    desk.goto("/admin/content/article/add/")
    assert desk.locator("select[name=status]").count() == 0
    desk.fill("[name=headline]", HEADLINE)
    desk.fill("[name=standfirst]", "Traffic returns to the harbour crossing.")
    write_body(desk, "<p>The bridge <strong>reopened at dawn</strong>.</p><p>Repairs took six months.</p>")
    desk.once("dialog", lambda dialog: dialog.accept(str(picture.pk)))
    desk.get_by_title("Picture from the library").click()
    desk.select_option("select[name=section]", label="City")
    desk.select_option("select[name=access]", value=Article.Access.FREE)
    desk.click("input[name=_save], button[name=_save]")
    desk.wait_for_url("**/admin/content/article/")
    assert "was added successfully" in desk.content()
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Article.Status.DRAFT
    assert article.body == ("<p>The bridge <strong>reopened at dawn</strong>.</p><p>Repairs took six months.</p>"
                            f'<figure data-picture="{picture.pk}"></figure>')

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
    assert reader.locator(".article__body strong").inner_text() == "reopened at dawn"
    image = reader.locator("figure.article__figure--body img")
    image.scroll_into_view_if_needed()
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert f"/media/renditions/{picture.pk}/" in image.evaluate("img => img.currentSrc")
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    assert image.get_attribute("alt") == "The harbour bridge at dawn"

    # And the history keeps every step, by whom
    kept = [(v.revision.user.get_username() if v.revision.user else None, v.revision.get_comment())
            for v in revisions.history(article)]
    assert [who for who, _ in kept] == ["editor", "editor", "reporter"]
    assert kept[1][1] == "Correction added"
