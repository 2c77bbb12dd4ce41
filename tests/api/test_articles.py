"""The JSON API: lists never carry a body; one article carries it only when granted."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.content.models import Article
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

BODY = "<p>Teaser paragraph.</p><p>Gated paragraph for API readers.</p>"


def test_the_list_has_summaries_and_never_a_body(publication):
    section = SectionFactory(name="Business", slug="business")
    story = ArticleFactory(body=BODY, section=section, headline="Rupee firms", standfirst="The rupee rose.")

    data = Client().get("/api/articles/").json()

    assert data["count"] == 1
    assert data["results"] == [{
        "id": story.pk,
        "headline": "Rupee firms",
        "standfirst": "The rupee rose.",
        "url": "http://127.0.0.1:8000" + story.get_absolute_url(),
        "section": {"slug": "business", "name": "Business"},
        "access": "metered",
        "published_at": story.published_at.isoformat(),
        "updated_at": None,
    }]
    assert "Gated paragraph" not in Client().get("/api/articles/").content.decode()


def test_drafts_are_not_listed_or_served(publication):
    draft = ArticleFactory(status=Article.Status.DRAFT)

    assert Client().get("/api/articles/").json()["count"] == 0
    assert Client().get(f"/api/articles/{draft.pk}/").status_code == 404


def test_a_metered_article_is_served_and_counted_like_a_page(publication):
    story = ArticleFactory(body=BODY)
    client = Client()
    client.get(f"/api/articles/{story.pk}/")  # the first call sets the meter cookie

    data = client.get(f"/api/articles/{story.pk}/").json()

    assert data["granted"] is True
    assert data["reason"] == "metered"
    assert data["body"] == BODY
    assert data["meter"] == {"used": 1, "remaining": 4, "limit": 5, "notice": "4 free articles left this month."}
    assert data["paywall"] is None


def test_a_client_without_the_cookie_gets_the_teaser_and_the_cookie(publication):
    story = ArticleFactory(body=BODY)

    response = Client().get(f"/api/articles/{story.pk}/")
    data = response.json()

    assert data["granted"] is False
    assert data["paywall"]["reason"] == "cookies_required"
    assert data["teaser"] == "<p>Teaser paragraph.</p>"
    assert "body" not in data
    assert "mh_meter" in response.cookies
    assert response["Cache-Control"] == "private, no-store"


def test_past_the_limit_the_api_gives_the_teaser_and_the_paywall(publication):
    stories = [ArticleFactory(body=BODY) for _ in range(6)]
    client = Client()
    client.get(f"/api/articles/{stories[0].pk}/")
    for story in stories[:5]:
        assert client.get(f"/api/articles/{story.pk}/").json()["granted"] is True

    data = client.get(f"/api/articles/{stories[5].pk}/").json()

    assert data["granted"] is False
    assert data["paywall"]["reason"] == "limit_reached"
    assert (data["paywall"]["used"], data["paywall"]["remaining"], data["paywall"]["limit"]) == (5, 0, 5)
    assert "Gated paragraph" not in str(data)


def test_page_and_api_share_one_meter(publication):
    stories = [ArticleFactory(body=BODY) for _ in range(2)]
    client = Client()
    client.get(stories[0].get_absolute_url(), follow=True)

    data = client.get(f"/api/articles/{stories[1].pk}/").json()

    assert data["meter"] == {"used": 2, "remaining": 3, "limit": 5, "notice": "3 free articles left this month."}


def test_a_premium_article_needs_a_subscription(publication, registered_reader):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(registered_reader)

    data = client.get(f"/api/articles/{story.pk}/").json()

    assert (data["granted"], data["reason"], data["access"]) == (False, "premium", "premium")
    assert "body" not in data
