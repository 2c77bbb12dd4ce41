"""Journeys: subscribe with an offer code at the shown price; a subscriber gifts a story to an
anonymous browser."""

from __future__ import annotations

import pytest

from masthead.billing.models import ArticleGift, LedgerEntry, Subscription
from tests.browser import journeys as step
from tests.browser.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publication():
    from tests.content.factories import PublicationFactory

    return PublicationFactory(name="The Journey Herald")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_reader_subscribes_with_an_offer_code_at_the_price_shown(new_context, publication, javascript):
    from masthead.billing.demo import seed_offers

    step.seed_plans()
    seed_offers(progress=lambda line: None)
    reader = make_user("offer.reader@journey.test")
    page = new_context("reader", javascript=javascript).new_page()
    step.log_in(page, "offer.reader@journey.test")

    # Given the subscribe page, with an offer code typed in
    page.goto("/subscribe/")
    page.fill("#offer-code", "welcome50")
    step.submit(page, "form.offer-code")
    assert "₹450 for the first 3 months, then ₹900 every 3 months" in step.text_of(page)

    # When they choose Smart Quarterly and pay
    step.submit(page, 'main form:has(input[name=plan][value="smart-quarterly"])')
    assert "You pay ₹450 now: ₹450 for the first 3 months, then ₹900 every 3 months." in step.text_of(page)
    step.submit(page, "main form:has(input[name=plan])")
    assert "Pay ₹450" in step.text_of(page)
    step.pay(page, step.GOOD_CARD)

    # Then the first quarter cost ₹450, and the ledger says what the offer took off
    sub = Subscription.objects.get(user=reader)
    assert (sub.state, sub.offer.code) == ("active", "WELCOME50")
    assert list(LedgerEntry.objects.values_list("amount", "list_price", "discount")) == [(45000, 90000, 45000)]


def test_a_subscriber_gifts_a_story_that_an_anonymous_browser_reads(new_context, publication):
    from masthead.content.models import Article
    from tests.content.factories import ArticleFactory

    step.seed_plans()
    gated = "Only subscribers and their guests read this sentence."
    story = ArticleFactory(body=f"<p>Opening.</p><p>{gated}</p>", access=Article.Access.PREMIUM)
    subscriber = make_user("gifter@journey.test")
    import datetime as dt

    from masthead.billing.models import Plan
    from masthead.core import clock

    now = clock.now()
    Subscription.objects.create(user=subscriber, plan=Plan.objects.get(code="smart-essential"), state="active",
                                gateway="sandbox", current_period_start=now,
                                current_period_end=now + dt.timedelta(days=365),
                                access_until=now + dt.timedelta(days=368), created_at=now, updated_at=now)

    page = new_context("subscriber").new_page()
    step.log_in(page, "gifter@journey.test")
    step.open_story(page, story)
    step.submit(page, "form.article__gift")
    link = page.locator("input.gift-link").first.input_value()
    assert ArticleGift.objects.filter(sender=subscriber).count() == 1

    anonymous = new_context("anonymous").new_page()
    anonymous.goto(link)
    assert gated in step.text_of(anonymous)
    anonymous.goto(story.get_absolute_url())
    assert gated not in anonymous.content()
