"""The rich editor's path: whatever the widget (or a hand-made POST) sends, the body is
cleaned on the server to the tags the site renders; Word and Google Docs paste come out plain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django_prose_editor.config import allowlist_from_extensions

from masthead.content import sanitize
from masthead.content.editor import EDITOR_EXTENSIONS
from masthead.content.models import Article
from tests.content.factories import SectionFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def _post(editor_client, section, body: str):
    return editor_client.post("/admin/content/article/add/", {
        "headline": "Port volumes", "slug": "", "standfirst": "A record month.", "body": body,
        "section": str(section.pk), "status": "draft", "published_at_0": "", "published_at_1": "",
        "updated_at_0": "", "updated_at_1": "", "access": "metered", "origin": "staff", "source": "",
        "source_reference": "", "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
        "lead_picture": "",
    })


def test_the_admin_form_cleans_scripts_styles_and_tags_the_site_does_not_render(editor_client, publication):
    section = SectionFactory()
    body = (
        '<p onclick="steal()" style="color:red" class="x">Cargo <b>rose</b> <i>sharply</i>.<script>alert(1)</script></p>'
        "<style>p { display:none }</style>"
        '<div><font face="Arial">Loose words</font></div>'
        '<iframe src="https://evil.example/"></iframe>'
        '<p><a href="javascript:alert(1)">bad link</a> <a href="https://example.com/x" target="_blank" onmouseover="x()">good link</a></p>'
        '<h1>Headline again</h1><h2 id="top">Subhead</h2>'
        '<figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ" onload="x()"></figure>'
        '<figure data-embed="https://evil.example/watch?v=1"></figure>'
        '<figure data-picture="7"></figure><figure data-picture="7 onerror=x"></figure>'
        '<object data="x.swf"></object><img src="x" onerror="alert(1)">'
    )

    response = _post(editor_client, section, body)

    assert response.status_code == 302
    assert Article.objects.get().body == (
        "<p>Cargo <strong>rose</strong> <em>sharply</em>.</p>"
        "Loose words"
        '<p><a rel="noopener noreferrer">bad link</a> <a href="https://example.com/x" rel="noopener noreferrer">good link</a></p>'
        "Headline again<h2>Subhead</h2>"
        '<figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
        '<figure data-picture="7"></figure>'
        '<img src="x">'
    )


def test_the_add_form_shows_the_rich_editor_with_its_files_served_by_masthead(editor_client, publication):
    page = editor_client.get("/admin/content/article/add/").content.decode()

    assert 'data-django-prose-editor-configurable="' in page
    assert re.search(r'"django-prose-editor/editor": "/static/django_prose_editor/editor\.js"', page)
    assert "/static/content/editor_embeds.js" in page  # our embeds, loaded by the editor
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another host
    # collectstatic gathers them for WhiteNoise (masthead serve / demo): they ship in the packages.
    assert finders.find("django_prose_editor/editor.js") and finders.find("content/editor_embeds.js")


def test_what_the_editor_may_produce_the_sanitiser_keeps():
    editor = allowlist_from_extensions(EDITOR_EXTENSIONS)

    assert editor["tags"] <= sanitize.ALLOWED_TAGS
    for tag, attributes in editor["attributes"].items():
        if tag == "a":  # rel is set by the sanitiser itself; links open in the same tab
            attributes = attributes - {"rel", "target"}
        assert attributes <= sanitize.ALLOWED_ATTRIBUTES.get(tag, set()), tag
    # The editor offers every kind of block the site renders in a story.
    assert {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "strong", "em", "table", "tr", "td",
            "th", "figure"} <= editor["tags"]
    assert editor["attributes"]["figure"] == {"data-picture", "data-embed"}


def test_a_word_paste_comes_out_as_clean_markup():
    pasted = (FIXTURES / "word_paste.html").read_text()

    assert sanitize.clean_html(pasted) == (
        "<h2>Port volumes at a record</h2>\n"
        "<p><strong>Mumbai</strong> — The port handled a <em>record</em> volume in November, officials said.</p>\n\n"
        "<p>Containers up 12%</p>\n"
        '<p><a href="https://example.com/report" rel="noopener noreferrer">the full report</a></p>'
    )


def test_a_google_docs_paste_comes_out_as_clean_markup_without_the_wrapping_bold():
    pasted = (FIXTURES / "google_docs_paste.html").read_text()

    assert sanitize.clean_html(pasted) == (
        "<h2>Rates held again</h2>"
        "<p><strong>The central bank</strong> kept its rate <em>unchanged</em> for a third meeting.</p>"
        "<ul><li><p>Inflation at 4.1%</p></li></ul>"
        '<p><a href="https://example.com/policy" rel="noopener noreferrer">The statement</a></p>'
    )


def test_styled_spans_mean_bold_or_italic_only_by_their_weight_and_style():
    assert sanitize.clean_html(
        '<p><span style="font-weight:bold">a</span><span style="font-weight:600;font-style:italic">b</span>'
        '<b style="font-weight:normal">c</b><span style="color:red">d</span></p>'
    ) == "<p><strong>a</strong><strong><em>b</em></strong>cd</p>"


@pytest.mark.parametrize(("url", "provider"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
    ("https://x.com/PIB_India/status/1790000000000000000", "x"),
    ("https://twitter.com/PIB_India/status/1790000000000000000", "x"),
    ("https://www.instagram.com/p/C7abcDEF123/", "instagram"),
    ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", ""),  # not https
    ("https://www.youtube.com.evil.example/watch?v=1", ""),
    ("https://vimeo.com/123", ""),
    ("https://x.com/", ""),
])
def test_only_allowed_providers_may_be_embedded(url, provider):
    assert sanitize.embed_provider(url) == provider
    kept = sanitize.clean_html(f'<figure data-embed="{url}"></figure>')
    assert kept == (f'<figure data-embed="{url}"></figure>' if provider else "")


@pytest.mark.parametrize("name", ["word_paste.html", "google_docs_paste.html"])
def test_cleaning_twice_changes_nothing(name):
    # The form cleans the body and Article.save() cleans it again: the second pass must keep it.
    once = sanitize.clean_html((FIXTURES / name).read_text())

    assert sanitize.clean_html(once) == once
