"""The article's cached parts: the teaser split, the JSON-LD script, the parts cache."""

from __future__ import annotations

import pytest

from masthead.content import rendering
from masthead.content.rendering import jsonld_script, split_teaser
from tests.content.factories import ArticleFactory


@pytest.mark.parametrize("body, n, teaser, rest", [
    ("<p>One.</p><p>Two.</p><p>Three.</p>", 1, "<p>One.</p>", "<p>Two.</p><p>Three.</p>"),
    ("<p>One.</p><p>Two.</p><p>Three.</p>", 2, "<p>One.</p><p>Two.</p>", "<p>Three.</p>"),
    ("<h2>Head</h2><p>One <em>big</em> idea.</p><p>Two.</p>", 1, "<h2>Head</h2><p>One <em>big</em> idea.</p>",
     "<p>Two.</p>"),
    ("<figure><img src=\"/x.jpg\" alt=\"\"><figcaption>c</figcaption></figure>\n<p>One.</p>\n<p>Two.</p>", 1,
     "<figure><img src=\"/x.jpg\" alt=\"\"><figcaption>c</figcaption></figure>\n<p>One.</p>", "\n<p>Two.</p>"),
    ("<blockquote><p>Quoted.</p><p>More.</p></blockquote><p>One.</p><p>Two.</p>", 1,
     "<blockquote><p>Quoted.</p><p>More.</p></blockquote><p>One.</p>", "<p>Two.</p>"),
    ("Loose text<br>more<p>Two.</p>", 1, "Loose text", "<br>more<p>Two.</p>"),
    ("<p>Only.</p>", 3, "<p>Only.</p>", ""),
    ("<p>One.</p><p>Two.</p>", 0, "", "<p>One.</p><p>Two.</p>"),
    ("", 1, "", ""),
])
def test_the_teaser_is_the_top_level_blocks_up_to_the_nth_paragraph(body, n, teaser, rest):
    assert split_teaser(body, n) == (teaser, rest)


def test_json_ld_cannot_close_its_script_early():
    html = jsonld_script({"headline": "</script><script>alert(1)</script> & more"})

    assert html == ('<script type="application/ld+json">{"headline":"\\u003c/script\\u003e\\u003cscript'
                    '\\u003ealert(1)\\u003c/script\\u003e \\u0026 more"}</script>')


@pytest.mark.django_db
def test_parts_are_rendered_once_per_version(publication, django_assert_num_queries):
    article = ArticleFactory(body="<p>One.</p><p>Two.</p>")
    facts = rendering.facts_for_slug(article.slug)
    first = rendering.parts_for(facts, 1)

    with django_assert_num_queries(0):
        again = rendering.parts_for(rendering.facts_for_slug(article.slug), 1)

    assert again is first
    assert (str(first.teaser_html), str(first.rest_html)) == ("<p>One.</p>", "<p>Two.</p>")
    article.body = "<p>Changed.</p><p>Rest.</p>"
    article.save()
    changed = rendering.parts_for(rendering.facts_for_slug(article.slug), 1)
    assert str(changed.teaser_html) == "<p>Changed.</p>"
