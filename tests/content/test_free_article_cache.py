"""A free story's page is the same for every anonymous reader: kept whole, and never past a change."""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache

from masthead.access.models import AccessRules
from masthead.content import actions
from masthead.content.models import Article
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph of the story.</p><p>The rest of the story, for readers allowed it.</p>"


def test_a_free_story_is_served_again_with_no_queries_and_its_headers(client, publication,
                                                                      django_assert_num_queries):
    article = ArticleFactory(access=Article.Access.FREE, body=BODY)
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url())

    assert again.content == first.content
    assert "The rest of the story" in again.content.decode()
    assert (again["Cache-Control"], again["Vary"]) == ("public, max-age=60", "Cookie")


def test_a_kept_free_story_stays_in_this_process(client, publication, settings):
    article = ArticleFactory(access=Article.Access.FREE, body=BODY)
    client.get(article.get_absolute_url())

    if settings.REDIS_URL:
        pages = [key.decode() for key in django_cache._cache.get_client().keys("*:page:*")]
    else:
        pages = [key for key in django_cache._cache if ":page:" in key]
    assert pages == []


def test_a_metered_story_is_never_kept(client, publication):
    story, other = (ArticleFactory(access=Article.Access.METERED, body=BODY) for _ in range(2))
    first = client.get(story.get_absolute_url(), follow=True).content.decode()
    client.get(other.get_absolute_url())

    again = client.get(story.get_absolute_url()).content.decode()

    assert "4 free articles left" in first
    assert "3 free articles left" in again


def test_a_withdrawn_free_story_is_gone_on_the_next_request(client, publication):
    article = ArticleFactory(access=Article.Access.FREE, body=BODY)
    assert client.get(article.get_absolute_url()).status_code == 200

    actions.withdraw_article(article)

    # Gone: the address says the story was withdrawn (410), and shows nothing of it.
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert article.headline not in response.content.decode()


def test_a_story_free_by_the_rules_is_metered_as_soon_as_the_rules_change(client, publication):
    opinion = SectionFactory(slug="opinion", name="Opinion")
    rules = AccessRules.objects.create(pk=1)
    rules.free_sections.add(opinion)
    article = ArticleFactory(section=opinion, access=Article.Access.METERED, body=BODY)
    assert client.get(article.get_absolute_url()).status_code == 200

    rules.free_sections.remove(opinion)

    assert client.get(article.get_absolute_url()).status_code == 302  # the meter's cookie check
