"""Pages rendered once and shared between readers never carry one reader's access to another."""

from __future__ import annotations

import datetime as dt
import re

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


def without_csrf_tokens(content: bytes) -> bytes:
    """The page with each reader's own CSRF token (the header's log-out form) blanked."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken" value=""', content)


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
    assert without_csrf_tokens(shared.content) == without_csrf_tokens(first.content)
    assert GATED not in gated.content.decode()
    assert "for subscribers" in gated.content.decode()
    assert gated["Cache-Control"] == "private, no-store" or "no-store" in gated["Cache-Control"]


def test_a_signed_in_page_is_never_served_to_an_anonymous_reader(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    signed_in("sub1", entitled=True).get(story.get_absolute_url())

    anonymous = Client().get(story.get_absolute_url(), follow=True)

    assert GATED not in anonymous.content.decode()
    assert "My account" not in anonymous.content.decode()


def csrf_token_in(content: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()


def test_a_shared_page_carries_each_readers_own_log_out_token(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    users = [get_user_model().objects.create_user(name, f"{name}@example.com", "pw-shared-1234") for name in ("ann", "ben")]
    clients = []
    for user in users:
        ComplimentaryGrant.objects.create(user=user, reason="press", starts_at=clock.now() - dt.timedelta(days=1),
                                          ends_at=clock.now() + dt.timedelta(days=30))
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        clients.append(client)
    ann, ben = clients

    ann_page, ben_page = ann.get(story.get_absolute_url()), ben.get(story.get_absolute_url())
    ann_token, ben_token = csrf_token_in(ann_page.content), csrf_token_in(ben_page.content)

    assert "mh-csrf-token-marker" not in ben_page.content.decode()
    assert ann_token != ben_token
    # Ben's token is Ben's: it logs Ben out, and Ann's token (from the same shell) does not.
    assert ben.post("/accounts/logout/", {"csrfmiddlewaretoken": ann_token}).status_code == 403
    assert ben.post("/accounts/logout/", {"csrfmiddlewaretoken": ben_token}).status_code == 302
    assert "_auth_user_id" not in ben.session
