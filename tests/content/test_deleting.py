"""A deleted story is never served again, in this process or any other."""

from __future__ import annotations

import pytest

from masthead.content.models import Article
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FREE_TEXT = "The full text of a story that is about to be deleted"


def free_story():
    return ArticleFactory(access=Article.Access.FREE, body=f"<p>{FREE_TEXT}.</p><p>More of it.</p>")


def delete_one(article):
    article.delete()


def delete_by_queryset(article):
    Article.objects.filter(pk=article.pk).delete()


@pytest.mark.parametrize("delete", [delete_one, delete_by_queryset])
def test_a_deleted_story_is_a_404_on_the_next_request(client, publication, delete):
    article = free_story()
    url = article.get_absolute_url()
    assert FREE_TEXT in client.get(url).content.decode()  # the facts, parts and shell are now cached

    delete(article)

    assert client.get(url).status_code == 404


def test_a_story_deleted_in_the_admin_is_a_404_on_the_next_request(client, publication, editor):
    article = free_story()
    url = article.get_absolute_url()
    assert FREE_TEXT in client.get(url).content.decode()
    staff = type(client)()
    staff.force_login(editor)

    staff.post(f"/admin/content/article/{article.pk}/delete/", {"post": "yes"})

    assert not Article.objects.filter(pk=article.pk).exists()
    assert client.get(url).status_code == 404


def test_a_deleted_story_leaves_the_cached_front_page(client, publication):
    article = ArticleFactory(headline="Soon to be deleted")
    assert "Soon to be deleted" in client.get("/").content.decode()

    Article.objects.filter(pk=article.pk).delete()

    assert "Soon to be deleted" not in client.get("/").content.decode()


def test_a_story_deleted_in_another_process_is_a_404_here(client, publication, another_process):
    article = free_story()
    url = article.get_absolute_url()
    assert FREE_TEXT in client.get(url).content.decode()

    another_process(f"from masthead.content.models import Article\nArticle.objects.filter(pk={article.pk}).delete()")

    assert client.get(url).status_code == 404
