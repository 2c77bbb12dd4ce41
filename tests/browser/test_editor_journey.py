"""Journey: an editor schedules an article in the admin and it appears on the home page on time."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from masthead.content.models import Article
from masthead.content.pictures import Picture
from masthead.core import clock
from tests.browser.factories import PASSWORD, ArticleFactory, PublicationFactory, SectionFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/admin/")


def write_body(page, html: str) -> None:
    """Put `html` in the body as an editor does: pasted into the rich editor (a paste event
    carrying text/html, as a browser's clipboard gives it), or typed in the plain textarea
    when JavaScript is off."""
    editor = page.locator(".ProseMirror[contenteditable=true]")
    try:
        editor.wait_for(timeout=5_000)  # the editor starts once its modules load
    except PlaywrightTimeout:
        page.fill("textarea[name=body]", html)  # JavaScript off: the plain textarea
        return
    editor.click()
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html.replace(/<[^>]+>/g, " "));
            document.querySelector(".ProseMirror[contenteditable=true]").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def add_to_library(page, photo, *, alt: str, caption: str = "", credit: str = ""):
    """Upload a photograph to the picture library through the admin; the Picture it made."""
    page.goto("/admin/content/picture/add/")
    page.locator("input[name=image]").set_input_files(str(photo))
    page.fill("[name=alt]", alt)
    if caption:
        page.fill("[name=caption]", caption)
    if credit:
        page.fill("[name=credit]", credit)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/content/picture/")
    return Picture.objects.get(alt=alt)


def fill_article_form(page, *, headline: str, standfirst: str, body: str, section_name: str,
                      publish_at_local: dt.datetime) -> None:
    """Fill the admin's article form the way an editor does."""
    page.fill("[name=headline]", headline)  # the slug is prepopulated (JS) or made on save
    page.fill("[name=standfirst]", standfirst)
    write_body(page, body)
    page.select_option("select[name=section]", label=section_name)
    page.select_option("select[name=status]", value=Article.Status.SCHEDULED)
    if page.locator("select[name=access]").count():
        page.select_option("select[name=access]", value=Article.Access.FREE)
    # ISO dates and times are accepted whatever the admin's locale.
    if page.locator("[name=published_at_0]").count():  # Django's split date/time widget
        page.fill("[name=published_at_0]", publish_at_local.strftime("%Y-%m-%d"))
        page.fill("[name=published_at_1]", publish_at_local.strftime("%H:%M:%S"))
    else:  # a single datetime-local input
        page.fill("[name=published_at]", publish_at_local.strftime("%Y-%m-%dT%H:%M:%S"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_editor_schedules_an_article_that_appears_on_the_home_page_on_time(new_context, javascript):
    # Given an editor and a publication with a section
    publication = PublicationFactory()
    business = SectionFactory(slug="business", name="Business")
    ArticleFactory(headline="Yesterday's markets wrap", section=business, access=Article.Access.FREE)
    make_user("editor@journey.test", username="editor", is_staff=True, is_superuser=True)
    page = new_context("editor" if javascript else "editor-nojs", javascript=javascript).new_page()

    # When the editor logs in and schedules an article five minutes ahead
    admin_login(page, "editor")
    response = page.goto("/admin/content/article/add/")
    if response.status == 404:
        pytest.skip("needs content: the Article admin (/admin/content/article/add/) is not registered")
    publish_at = clock.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    fill_article_form(
        page,
        headline="Monsoon session opens with a record agenda",
        standfirst="Parliament takes up twelve bills in its first week.",
        body="<p>The session opens on Monday.</p><p>Twelve bills are listed.</p>",
        section_name="Business",
        publish_at_local=publish_at.astimezone(publication.zone),
    )
    page.click("input[name=_save], button[name=_save]")
    page.wait_for_url("**/admin/content/article/")
    assert "was added successfully" in page.content()

    article = Article.objects.get(headline="Monsoon session opens with a record agenda")
    assert article.status == Article.Status.SCHEDULED
    assert article.published_at == publish_at

    # Then the home page does not show it before its time...
    reader = new_context("reader" if javascript else "reader-nojs", javascript=javascript).new_page()
    reader.goto("/")
    assert reader.get_by_text("Yesterday's markets wrap").count() >= 1
    assert reader.get_by_text("Monsoon session opens with a record agenda").count() == 0

    # ...and shows it, linking to the story, once the clock reaches it
    clock.set_offset(dt.timedelta(minutes=6))
    reader.goto("/")
    link = reader.get_by_role("link", name="Monsoon session opens with a record agenda").first
    assert link.is_visible()
    link.click()
    reader.wait_for_load_state()
    assert reader.url.endswith(article.get_absolute_url())
    assert reader.locator("h1").first.inner_text() == "Monsoon session opens with a record agenda"
