"""Preview a draft as an anonymous, a metered and a subscribed reader: through the one read
path (access.read.read_as), with a synthetic reader, never counting the meter."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.access.models import MeterRead
from masthead.access.read import read_as
from masthead.content.models import Article
from masthead.content.rendering import facts_of
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph for everyone.</p><p>Second paragraph, gated.</p><p>Third paragraph, gated.</p>"


def _preview(editor, article, persona: str) -> str:
    client = Client()
    client.force_login(editor)
    response = client.get(f"/preview/{article.pk}/", {"as": persona})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


def test_a_metered_draft_as_each_reader(publication, editor):
    draft = ArticleFactory(body=BODY, status=Article.Status.DRAFT, published_at=None)

    anonymous = _preview(editor, draft, "anonymous")
    metered = _preview(editor, draft, "metered")
    subscriber = _preview(editor, draft, "subscriber")

    assert "seen as an anonymous visitor on their first story this month" in anonymous
    assert "Third paragraph, gated." in anonymous and "4 free articles left this month." in anonymous
    assert "You've reached your limit of 5 free articles this month." in metered
    assert "First paragraph for everyone." in metered and "Second paragraph, gated." not in metered
    assert "Third paragraph, gated." in subscriber and 'class="paywall"' not in subscriber
    assert MeterRead.objects.count() == 0


def test_a_premium_draft_is_paywalled_for_all_but_the_subscriber(publication, editor):
    draft = ArticleFactory(body=BODY, access=Article.Access.PREMIUM, status=Article.Status.DRAFT, published_at=None)

    for persona in ("anonymous", "metered"):
        page = _preview(editor, draft, persona)
        assert "This story is for subscribers." in page and "Second paragraph, gated." not in page
    assert "Third paragraph, gated." in _preview(editor, draft, "subscriber")


def test_read_as_decides_by_the_one_decision_and_counts_nothing(publication):
    story = ArticleFactory(body=BODY)
    facts = facts_of(story)

    decisions = {who: (read_as(who, facts).decision.granted, read_as(who, facts).decision.reason.value)
                 for who in ("anonymous", "metered", "subscriber")}

    assert decisions == {"anonymous": (True, "metered"), "metered": (False, "limit_reached"),
                         "subscriber": (True, "entitled")}
    assert MeterRead.objects.count() == 0
    with pytest.raises(ValueError, match="not a preview reader"):
        read_as("editor", facts)


def test_staff_preview_without_a_reader_still_shows_everything(publication, editor):
    draft = ArticleFactory(body=BODY, access=Article.Access.PREMIUM, status=Article.Status.DRAFT, published_at=None)
    client = Client()
    client.force_login(editor)

    page = client.get(f"/preview/{draft.pk}/").content.decode()

    assert "Third paragraph, gated." in page
    assert '<a href="?as=metered">a metered reader at the limit</a>' in page
