"""The market analysis is delivered by the rules that reserve it: a plan that sells the
benefit opens its sections, a subscription without it meets a paywall offering the plans that do."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.access.benefits import Benefit
from masthead.access.models import AccessRules
from masthead.content.models import Article
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

CANARY = "Canary: the analyst's target price for the rupee is seventy-nine."


@pytest.fixture
def analysis(publication):
    section = SectionFactory(name="Markets Analysis", slug="markets-analysis")
    rules = AccessRules.objects.create()
    rules.market_sections.add(section)
    body = "<p>Rates and the rupee this week.</p><p>Second paragraph.</p><p>" + CANARY + "</p>"
    return ArticleFactory(section=section, access=Article.Access.METERED, body=body)


def page_for(user, story) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(story.get_absolute_url(), follow=True).content.decode()


def test_a_plan_selling_the_market_analysis_opens_it(analysis, subscriber):
    html = page_for(subscriber, analysis)

    assert CANARY in html
    assert "Our market analysis is for subscribers." not in html


def test_a_subscription_without_the_benefit_meets_the_market_analysis_paywall(analysis, make_user, essential,
                                                                             plans, subscribe):
    essential.benefits = [b.value for b in (Benefit.PREMIUM, Benefit.ARCHIVE)]
    essential.save()
    reader = make_user("premium-only")
    subscribe(reader, essential)

    html = page_for(reader, analysis)

    assert CANARY not in html
    assert "Our market analysis is for subscribers." in html
    # The paywall offers only the plans that carry the benefit it needs.
    assert "Choose Smart Essential" not in html
    assert "Choose Smart Quarterly" in html and "Choose Super Saver" in html


def test_anonymous_readers_get_no_free_reads_of_the_market_analysis(analysis, plans):
    html = page_for(None, analysis)

    assert CANARY not in html
    assert "Our market analysis is for subscribers." in html
    assert 'badge--premium">Premium' in Client().get("/section/markets-analysis/").content.decode()


def test_the_offer_lists_the_market_analysis_once_plans_sell_it(plans):
    html = Client().get("/subscribe/").content.decode()

    assert Benefit.MARKETS.offer in html
    assert Benefit.MARKETS.sellable
