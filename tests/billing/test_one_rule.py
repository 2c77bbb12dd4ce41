"""One copy of each rule: every channel answers the same way.

The Premium badge, the JSON-LD and the API all follow the access rules; "is it live?",
"does this subscription grant access?", the benefits memo and the byline each exist once.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client, RequestFactory

from masthead.access.models import AccessRules
from masthead.billing.states import GRANTING_STATES, State, grants_access
from masthead.content import cards
from masthead.content.bylines import byline_of
from masthead.content.models import Article, is_live
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def premium_by_rules():
    """A story made premium only by the publisher's tag list."""
    tag = TagFactory(name="Deep dive", slug="deep-dive")
    story = ArticleFactory(access=Article.Access.METERED, tags=[tag])
    rules = AccessRules.objects.create()
    rules.premium_tags.add(tag)
    return story


def jsonld_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_premium_badge_the_jsonld_and_the_api_agree_on_a_story_premium_by_tag(publication):
    story = premium_by_rules()

    card = cards.cards(Article.objects.filter(pk=story.pk))[0]
    page = Client().get(story.get_absolute_url(), follow=True).content.decode()
    api = Client().get("/api/articles/").json()["results"][0]

    assert card.is_premium is True
    assert jsonld_of(page)["isAccessibleForFree"] is False
    assert api["access"] == "premium"
    assert 'badge--premium">Premium' in Client().get("/").content.decode()


def test_a_section_made_premium_by_the_rules_carries_the_badge(publication):
    section = SectionFactory(name="Markets", slug="markets")
    ArticleFactory(section=section)
    rules = AccessRules.objects.create()
    rules.premium_sections.add(section)

    html = Client().get("/section/markets/").content.decode()

    assert "Stories in this section are for subscribers." in html
    assert section.shows_premium is True


def test_a_free_tag_takes_the_badge_off_a_metered_story_but_not_a_premium_section(publication):
    free = TagFactory(name="Explainer", slug="explainer")
    premium_section = SectionFactory(name="Insight", slug="insight", is_premium=True)
    freed = ArticleFactory(tags=[free], access=Article.Access.PREMIUM)
    still = ArticleFactory(tags=[free], section=premium_section)
    rules = AccessRules.objects.create()
    rules.free_tags.add(free)

    shown = {c.id: c.is_premium for c in cards.cards(Article.objects.all())}

    assert shown == {freed.pk: False, still.pk: True}


@pytest.mark.parametrize(("status", "offset", "live"), [
    ("published", -1, True), ("scheduled", -1, True), ("scheduled", 1, False),
    ("published", 1, False), ("draft", -1, False), ("withdrawn", -1, False),
])
def test_is_it_live_is_one_rule_for_rows_queries_and_cached_facts(publication, status, offset, live):
    from masthead.content import rendering

    now = clock.now()
    story = ArticleFactory(status=status, published_at=now + dt.timedelta(minutes=offset))

    assert is_live(status, story.published_at, now) is live
    assert story.is_live(now) is live
    assert Article.objects.live(now).filter(pk=story.pk).exists() is live
    assert rendering.facts_of(story).is_live(now) is live
    assert is_live("published", None, now) is False


@pytest.mark.parametrize("state", list(State))
def test_does_this_subscription_grant_access_is_one_rule_for_snapshots_rows_and_queries(subscriber, state):
    from masthead.billing.models import Subscription

    now = clock.now()
    sub = Subscription.objects.get(user=subscriber)
    Subscription.objects.filter(pk=sub.pk).update(state=state.value)
    sub.refresh_from_db()

    expected = state in GRANTING_STATES
    assert grants_access(sub, now) is expected
    assert sub.grants_access(now) is expected
    assert Subscription.objects.granting(now).filter(pk=sub.pk).exists() is expected
    assert grants_access(sub, sub.access_until) is False  # access ends at access_until exactly


def test_the_benefits_memo_is_one_per_request(publication, reader):
    from masthead.access.entitlements import for_request

    request = RequestFactory().get("/")
    request.user = reader
    calls = []
    from masthead.access import entitlements

    real = entitlements.for_reader
    entitlements.for_reader = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        first = for_request(request)
        again = for_request(request, reader)
    finally:
        entitlements.for_reader = real

    assert first == again == frozenset()
    assert calls == [1]
    import masthead.accounts

    assert not hasattr(masthead.accounts, "benefits") or not hasattr(masthead.accounts.benefits, "request_benefits")


def test_the_byline_is_one_rule_for_the_page_and_the_cards(publication):
    wire = SourceFactory(name="Press Trust of India")
    a, b, c = AuthorFactory(name="Asha Rao"), AuthorFactory(name="Vikram Iyer"), AuthorFactory(name="Meera Nair")
    signed = ArticleFactory(authors=[a, b, c])
    unsigned = ArticleFactory(origin=Article.Origin.WIRE, source=wire)

    for story, expected in ((signed, "By Asha Rao, Meera Nair and Vikram Iyer"), (unsigned, "Press Trust of India")):
        card = cards.cards(Article.objects.filter(pk=story.pk))[0]
        page = Client().get(story.get_absolute_url(), follow=True).content.decode()
        assert card.byline == expected
        assert f'<span class="article__byline">{expected}</span>' in page
    assert byline_of([]) == ""
    assert byline_of(["One"]) == "By One"


def test_the_badge_follows_a_rules_change_on_pages_already_cached(publication):
    tag = TagFactory(name="Deep dive", slug="deep-dive")
    story = ArticleFactory(access=Article.Access.METERED, tags=[tag])
    section_url = story.section.get_absolute_url()
    assert 'badge--premium">Premium' not in Client().get(section_url).content.decode()

    rules = AccessRules.objects.create()
    rules.premium_tags.add(tag)

    assert 'badge--premium">Premium' in Client().get(section_url).content.decode()
    assert Client().get("/api/articles/").json()["results"][0]["access"] == "premium"
