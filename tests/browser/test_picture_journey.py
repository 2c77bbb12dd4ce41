"""Journey: an editor puts a picture in the library, writes a story in the rich editor (a
Word paste, the picture and a YouTube post embedded from the toolbar) and publishes it; a
reader's browser loads the picture's WebP rendition and asks nothing of YouTube until it
clicks to load the video."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PIL import Image

from masthead.content.models import Article
from tests.browser.factories import PublicationFactory, SectionFactory, make_user
from tests.browser.test_editor_journey import add_to_library, admin_login, write_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORD = ('<p class=MsoNormal><b><span style="font-size:12.0pt;mso-bidi-font-family:Calibri">Mumbai</span></b>'
        '<span style="mso-ansi-language:EN-IN"> — the port handled a record volume.<o:p></o:p></span></p>'
        '<p class=MsoNormal><span style="color:#222">Officials expect more.</span><o:p></o:p></p>')
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_a_story_with_a_library_picture_and_a_click_to_load_video(new_context, tmp_path):
    # Given an editor, a section and a photograph on the editor's disk
    PublicationFactory()
    SectionFactory(slug="business", name="Business")
    make_user("editor@journey.test", username="editor", is_staff=True, is_superuser=True)
    photo = tmp_path / "harbour.jpg"
    Image.new("RGB", (1600, 900), (20, 90, 140)).save(photo, "JPEG")
    page = new_context("editor").new_page()
    admin_login(page, "editor")

    # When the editor adds it to the picture library with alt text and a credit
    picture = add_to_library(page, photo, alt="Ships at anchor off the harbour", caption="The harbour at dawn.",
                             credit="Photo: A. Rao")
    assert picture.renditions_ready

    # ...clicks the picture where the ships are to set the focal point, and saves
    page.goto(f"/admin/content/picture/{picture.pk}/change/")
    preview = page.get_by_role("img", name="Ships at anchor off the harbour")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    assert (page.input_value("[name=focal_x]"), page.input_value("[name=focal_y]")) == ("0.75", "0.25")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/content/picture/")
    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y, picture.renditions_ready) == (0.75, 0.25, True)

    # ...and writes the story: pasted from Word, the picture and the video from the toolbar
    page.goto("/admin/content/article/add/")
    page.fill("[name=headline]", "Harbour traffic doubles")
    page.fill("[name=standfirst]", "Container ships queue off the coast.")
    write_body(page, WORD)
    answers = iter([str(picture.pk), VIDEO])
    page.on("dialog", lambda dialog: dialog.accept(next(answers)))
    page.get_by_title("Picture from the library").click()
    page.get_by_title("Embed a YouTube, X or Instagram post").click()
    page.select_option("select[name=section]", label="Business")
    page.select_option("select[name=status]", value=Article.Status.PUBLISHED)
    page.select_option("select[name=access]", value=Article.Access.FREE)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/content/article/")
    article = Article.objects.get(headline="Harbour traffic doubles")
    assert article.body == (
        "<p><strong>Mumbai</strong> — the port handled a record volume.</p><p>Officials expect more.</p>"
        f'<figure data-picture="{picture.pk}"></figure><figure data-embed="{VIDEO}"></figure>'
    )

    # Then a reader's browser loads a WebP rendition and nothing from another host
    reader = new_context("reader").new_page()
    elsewhere = []

    def watch(route):
        if urlsplit(route.request.url).hostname not in ("127.0.0.1", "localhost"):
            elsewhere.append(route.request.url)
            return route.abort()
        return route.continue_()

    reader.route("**/*", watch)
    reader.goto(article.get_absolute_url())
    image = reader.locator("figure.article__figure--body img")
    image.scroll_into_view_if_needed()
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    # (a 16:9 picture's own shape is the 16:9 crop: one set, named by the new focal point)
    assert f"/media/renditions/{picture.pk}/wide-f7525-" in image.evaluate("img => img.currentSrc")
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    assert image.get_attribute("alt") == "Ships at anchor off the harbour"
    assert elsewhere == []

    # ...and YouTube is asked only once the reader clicks to load the video
    reader.get_by_role("button", name="Load the YouTube post here").click()
    frame = reader.locator("figure.embed iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    reader.wait_for_timeout(500)
    assert elsewhere == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"]
