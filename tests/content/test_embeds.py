"""Embeds in a story's body: library pictures with renditions, and posts of allowed providers
as click-to-load blocks that ask nothing of the provider until the reader clicks."""

from __future__ import annotations

import re

import pytest

from masthead.content import embeds
from masthead.content.models import Article
from masthead.content.picture_actions import add_picture
from tests.content.factories import ArticleFactory
from tests.content.test_pictures import image_bytes

pytestmark = pytest.mark.django_db
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_a_provider_post_is_a_plain_link_with_its_frame_kept_for_a_click(client, publication):
    story = ArticleFactory(access=Article.Access.FREE,
                           body=f'<p>One.</p><p>Two.</p><figure data-embed="{YOUTUBE}"></figure><p>Three.</p>')

    page = client.get(story.get_absolute_url(), follow=True).content.decode()

    assert (
        '<figure class="embed embed--youtube" data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" '
        f'data-embed-provider="YouTube"><a class="embed__link" href="{YOUTUBE}" rel="noopener noreferrer">'
        "Watch the video on YouTube</a></figure>"
    ) in page
    # Nothing that a browser would fetch from the provider before a click.
    assert "<iframe" not in page
    assert not re.search(r"<(script|img|source|iframe)[^>]+(src|srcset)=\"https?://", page)
    assert '<script src="/static/content/embeds.js" defer></script>' in page


@pytest.mark.parametrize(("url", "frame"), [
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://x.com/PIB_India/status/1790000000000000000",
     "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000&dnt=true"),
    ("https://www.instagram.com/p/C7abcDEF123/", "https://www.instagram.com/p/C7abcDEF123/embed/"),
    ("https://www.instagram.com/explore/", ""),  # a page we cannot frame: the link alone
])
def test_each_provider_post_has_its_privacy_friendly_frame(url, frame):
    assert embeds.frame_url(url) == frame


def test_a_library_picture_in_the_body_is_shown_with_renditions_caption_and_credit(client, publication,
                                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        picture = add_picture(name="crowd.jpg", content=image_bytes(1200, 800), alt="A crowd at the gate",
                              caption="Fans before the final.", credit="Photo: C. Das")
    story = ArticleFactory(access=Article.Access.FREE,
                           body=f'<p>One.</p><figure data-picture="{picture.pk}"></figure><figure data-picture="999"></figure>')

    page = client.get(story.get_absolute_url(), follow=True).content.decode()
    base = f"/media/renditions/{picture.pk}/full"

    assert (
        f'<figure class="article__figure article__figure--body"><picture><source type="image/webp" '
        f'srcset="{base}-320.webp 320w, {base}-640.webp 640w, {base}-960.webp 960w"'
    ) in page
    assert 'alt="A crowd at the gate" width="640" height="427"' in page
    assert '<figcaption>Fans before the final. <span class="article__credit">Photo: C. Das</span></figcaption>' in page
    assert 'data-picture="999"' not in page and page.count("article__figure--body") == 1
