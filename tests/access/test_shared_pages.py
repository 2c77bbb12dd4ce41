"""Pages rendered once and shared between readers never carry one reader's access to another."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from masthead.accounts.models import ComplimentaryGrant
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

GATED = "The second paragraph only subscribers may read."
BODY = f"<p>The opening paragraph anyone may read.</p><p>{GATED}</p>"


def signed_in(username: str, *, entitled: bool) -> Client:
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-shared-1234")
    if entitled:
        ComplimentaryGrant.objects.create(
            user=user, reason="press", starts_at=clock.now() - dt.timedelta(days=1),
            ends_at=clock.now() + dt.timedelta(days=30),
        )
    client = Client()
    client.force_login(user)
    return client


def test_a_subscribers_page_is_never_served_to_a_signed_in_reader_without_access(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    subscriber, other_subscriber = signed_in("sub1", entitled=True), signed_in("sub2", entitled=True)
    reader = signed_in("reader", entitled=False)

    first = subscriber.get(story.get_absolute_url())
    shared = other_subscriber.get(story.get_absolute_url())
    gated = reader.get(story.get_absolute_url())

    assert GATED in first.content.decode()
    assert shared.content == first.content
    assert GATED not in gated.content.decode()
    assert "for subscribers" in gated.content.decode()
    assert gated["Cache-Control"] == "private, no-store" or "no-store" in gated["Cache-Control"]


def test_a_signed_in_page_is_never_served_to_an_anonymous_reader(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    signed_in("sub1", entitled=True).get(story.get_absolute_url())

    anonymous = Client().get(story.get_absolute_url(), follow=True)

    assert GATED not in anonymous.content.decode()
    assert "My account" not in anonymous.content.decode()
