"""Apps read the API with the bearer token their headless login returned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masthead.accounts.models import ComplimentaryGrant
from masthead.content.models import Article
from masthead.core import clock
from tests.accounts.factories import PASSWORD, ReaderFactory
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "<p>Teaser paragraph.</p><p>The app reader's gated paragraph.</p>"


def app_token(email: str) -> str:
    response = Client().post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def test_an_entitled_app_reader_gets_the_premium_body_with_its_token(publication):
    reader = ReaderFactory(email="ophelia@example.com")
    ComplimentaryGrant.objects.create(
        user=reader, reason="press", starts_at=clock.now() - dt.timedelta(days=1),
        ends_at=clock.now() + dt.timedelta(days=30),
    )
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    token = app_token(reader.email)

    with_token = Client().get(f"/api/articles/{story.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    without = Client().get(f"/api/articles/{story.pk}/").json()

    assert (with_token["granted"], with_token["reason"]) == (True, "entitled")
    assert "The app reader's gated paragraph." in with_token["body"]
    assert without["granted"] is False
    assert "The app reader's gated paragraph." not in str(without)


def test_a_wrong_token_reads_as_anonymous(publication):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)

    data = Client().get(f"/api/articles/{story.pk}/", HTTP_AUTHORIZATION="Bearer not-a-token").json()

    assert (data["granted"], data["reason"]) == (False, "premium")
