"""Journey: an editor uploads a lead picture in the admin and a reader's browser loads it."""

from __future__ import annotations

import pytest
from PIL import Image

from masthead.content.models import Article
from tests.browser.factories import PublicationFactory, SectionFactory, make_user
from tests.browser.test_editor_journey import admin_login, write_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_uploaded_lead_picture_loads_for_readers(new_context, tmp_path):
    # Given an editor, a section and a picture on the editor's disk
    PublicationFactory()
    SectionFactory(slug="business", name="Business")
    make_user("editor@journey.test", username="editor", is_staff=True, is_superuser=True)
    picture = tmp_path / "harbour.jpg"
    Image.new("RGB", (640, 360), (20, 90, 140)).save(picture, "JPEG")
    page = new_context("editor").new_page()

    # When the editor writes a story with the picture as its lead image and publishes it
    admin_login(page, "editor")
    page.goto("/admin/content/article/add/")
    page.fill("[name=headline]", "Harbour traffic doubles")
    page.fill("[name=standfirst]", "Container ships queue off the coast.")
    write_body(page, "<p>The port is busier than ever.</p>")
    page.select_option("select[name=section]", label="Business")
    page.select_option("select[name=status]", value=Article.Status.PUBLISHED)
    page.select_option("select[name=access]", value=Article.Access.FREE)
    page.locator("summary", has_text="Uploaded lead image").click()  # the collapsed fieldset
    page.locator("input[name=lead_image]").set_input_files(str(picture))
    page.fill("[name=lead_image_alt]", "Ships at anchor")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/content/article/")
    article = Article.objects.get(headline="Harbour traffic doubles")
    assert article.lead_image.name.startswith("articles/")

    # Then a reader opening the story sees the picture load
    reader = new_context("reader").new_page()
    responses = []
    reader.on("response", lambda r: responses.append(r) if "/media/" in r.url else None)
    reader.goto(article.get_absolute_url())
    image = reader.get_by_role("img", name="Ships at anchor")
    image.wait_for()
    reader.wait_for_function("img => img.complete", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 640
    assert image.evaluate("img => img.naturalHeight") == 360
    # (The live server answers /media/ with Django's test handler; masthead.core.media's own
    # headers are checked against `masthead serve` in tests/core/test_media.py.)
    assert [(r.status, r.headers["content-type"]) for r in responses] == [(200, "image/jpeg")]
