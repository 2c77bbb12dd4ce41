"""Plans carry benefits from the registry; the offer copy on the paywall and /subscribe derives from them."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.access import benefits as registry
from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_reader
from masthead.billing.admin import PlanForm
from masthead.billing.offer import offer_for, visible_offers
from masthead.content.models import Article
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REFERENCE_LINES = (
    "30+ premium stories a day, handpicked by our editors",
    "Complimentary access to our partner publication",
    "The ePaper: a page-by-page replica of the daily print edition",
    "Curated newsletters",
    "Market analysis and investment ideas",
    "The archive back to 1997",
    "Ad-free reading",
    "Seamless access across all devices, web or app",
)


def test_the_demo_plans_keep_the_reference_offer(plans):
    shown = [(o.name, o.price, o.term, o.per_month, o.benefits) for o in visible_offers()]

    assert shown == [
        ("Smart Quarterly", "₹900", "3 months", "₹300/Month", REFERENCE_LINES),
        ("Smart Essential", "₹2,700", "1 year", "₹225/Month", REFERENCE_LINES),
        ("Super Saver", "₹3,900", "2 years", "₹162/Month", REFERENCE_LINES),
    ]


def test_every_benefit_a_plan_can_sell_is_delivered_and_the_rest_are_marked(plans):
    assert {b for b in Benefit if not b.sellable} == set()
    assert all("not built yet" in b.opens for b in Benefit if not b.sellable)
    for plan in plans.values():
        assert plan.benefit_set() <= registry.SELLABLE


def test_a_subscriber_gets_exactly_their_plans_benefits(plans, make_user, subscribe):
    quarterly = plans["smart-quarterly"]
    quarterly.benefits = [Benefit.PREMIUM.value, Benefit.AD_FREE.value]
    quarterly.save()
    reader = make_user("narrow")

    subscribe(reader, quarterly)

    assert for_reader(reader) == {Benefit.PREMIUM, Benefit.AD_FREE}


def test_a_plan_cannot_be_sold_with_a_benefit_the_registry_does_not_hold(plans):
    plan = plans["smart-quarterly"]
    data = {"name": plan.name, "code": plan.code, "price": plan.price, "currency": "INR", "term_months": 3,
            "display_order": 0, "is_visible": "on", "is_active": "on", "highlight": "", "gateway_refs": "{}",
            "benefits": ["premium", "gone-since"]}

    form = PlanForm(data, instance=plan)

    assert not form.is_valid()
    assert "benefits" in form.errors
    data["benefits"] = ["premium", "archive"]
    assert PlanForm(data, instance=plan).is_valid()


def test_a_stored_code_the_registry_does_not_sell_opens_nothing(plans):
    plan = plans["smart-quarterly"]
    plan.benefits = ["premium", "gone-since"]

    assert plan.benefit_set() == {Benefit.PREMIUM}
    assert offer_for(plan).benefits == ("30+ premium stories a day, handpicked by our editors",)


def test_the_paywall_and_subscribe_page_show_the_plans_benefits_and_the_edit_shows_at_once(plans):
    story = ArticleFactory(access=Article.Access.PREMIUM, body="<p>Open.</p><p>Gated.</p>")
    client = Client()
    before = client.get(story.get_absolute_url(), follow=True).content.decode()
    for line in REFERENCE_LINES:
        assert line in before

    essential = plans["smart-essential"]
    essential.benefits = [Benefit.PREMIUM.value]
    essential.save()
    page = client.get(story.get_absolute_url(), follow=True).content.decode()
    subscribe = client.get("/subscribe/").content.decode()

    assert page.count("Ad-free reading") == 2  # the other two plans still include it
    assert subscribe.count("Ad-free reading") == 2


def test_the_premium_paywall_offers_only_plans_that_open_premium_stories(plans):
    story = ArticleFactory(access=Article.Access.PREMIUM, body="<p>Open.</p><p>Gated.</p>")
    quarterly = plans["smart-quarterly"]
    quarterly.benefits = [Benefit.AD_FREE.value]
    quarterly.save()

    page = Client().get(story.get_absolute_url(), follow=True).content.decode()
    api = Client().get(f"/api/articles/{story.pk}/").json()

    assert "Choose Smart Quarterly" not in page
    assert "Choose Smart Essential" in page and "Choose Super Saver" in page
    assert api["paywall"]["needs"] == "premium"
