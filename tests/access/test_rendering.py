"""The article's cached parts: the JSON-LD script, the parts cache (the split: tests/content/test_teaser.py)."""

from __future__ import annotations

import pytest

from masthead.content import rendering
from masthead.content.rendering import jsonld_script
from tests.content.factories import ArticleFactory


def test_json_ld_cannot_close_its_script_early():
    html = jsonld_script({"headline": "</script><script>alert(1)</script> & more"})

    assert html == ('<script type="application/ld+json">{"headline":"\\u003c/script\\u003e\\u003cscript'
                    '\\u003ealert(1)\\u003c/script\\u003e \\u0026 more"}</script>')


@pytest.mark.django_db
def test_parts_are_rendered_once_per_version(publication, django_assert_num_queries):
    article = ArticleFactory(body="<p>One.</p><p>Two.</p>")
    facts = rendering.facts_for_slug(article.slug)
    first = rendering.parts_for(facts, 1, free=False)

    with django_assert_num_queries(0):
        again = rendering.parts_for(rendering.facts_for_slug(article.slug), 1, free=False)

    assert again is first
    assert (str(first.teaser_html), str(first.rest_html)) == ("<p>One.</p>", "<p>Two.</p>")
    article.body = "<p>Changed.</p><p>Rest.</p>"
    article.save()
    changed = rendering.parts_for(rendering.facts_for_slug(article.slug), 1, free=False)
    assert str(changed.teaser_html) == "<p>Changed.</p>"


def test_the_shared_parts_key_is_the_same_in_every_process(publication, another_process):
    from masthead.access.models import AccessRules
    from tests.content.factories import SectionFactory, TagFactory

    rules = AccessRules.objects.create()
    rules.free_sections.set([SectionFactory(slug=slug, name=slug) for slug in ("opinion", "sport", "world", "city")])
    rules.premium_tags.set([TagFactory(slug=slug, name=slug) for slug in ("markets", "budget", "tax")])
    article = ArticleFactory()

    here = rendering.parts_for(rendering.facts_for_slug(article.slug), 1, free=False).version
    there = another_process(
        "from masthead.content import rendering\n"
        f"print(rendering.parts_for(rendering.facts_for_slug({article.slug!r}), 1, free=False).version)"
    )

    assert there == here
