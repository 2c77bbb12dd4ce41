"""Journeys of a reader: the meter, the paywall, checkout in the sandbox, devices and cancelling.

Each runs twice: with JavaScript on and with it off (forms post, pages render, and a gated
page holds no gated text either way).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_reader
from masthead.content.models import Article
from masthead.core import clock
from tests.browser import journeys as step
from tests.browser.factories import gated_line, gated_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FREE_LIMIT = 3  # not the default 5: the paywall must show the live setting


@pytest.fixture
def publication():
    from tests.content.factories import PublicationFactory

    return PublicationFactory(name="The Journey Herald")


@pytest.fixture
def metered_stories(publication):
    step.set_free_limit(FREE_LIMIT)
    step.seed_plans()
    return [gated_story(n) for n in range(1, FREE_LIMIT + 2)]


def read_until_paywall(page, stories):
    """Open FREE_LIMIT stories free (each in full), then meet the paywall on the next one."""
    *free, last = stories
    for n, story in enumerate(free, start=1):
        step.open_story(page, story)
        step.assert_unlocked(page, story, gated_line(n))
        left = FREE_LIMIT - n
        notice = f"{left} free article{'s' if left != 1 else ''} left" if left else "This is your last free article"
        assert notice in step.text_of(page)
        assert "0 free articles" not in step.text_of(page)
    # Re-opening a counted story stays free and counts nothing.
    step.open_story(page, free[0])
    step.assert_unlocked(page, free[0], gated_line(1))
    step.open_story(page, last)
    step.assert_gated(page, gated_line(len(stories)), limit=FREE_LIMIT)
    return last


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_visitor_meets_the_paywall_subscribes_with_a_good_card_and_reads_on(new_context, metered_stories,
                                                                              javascript):
    has_ads = step.place_advert()
    page = new_context("visitor", javascript=javascript).new_page()

    # Given a new visitor who has read the free allowance
    story = read_until_paywall(page, metered_stories)
    if has_ads:
        assert step.AD_MARKER in page.content(), "a reader without the ad-free benefit sees the advert"

    # When they choose Smart Essential, sign up and pay with a card that succeeds
    step.choose_plan(page, "smart-essential")
    step.reach_checkout(page, "new.reader@journey.test", "smart-essential")
    assert "Smart Essential" in step.text_of(page)
    assert "₹2,700" in step.text_of(page)
    step.pay(page, step.GOOD_CARD)

    # Then they are back on the same story, unlocked, with no advert
    page.wait_for_url(f"**{story.get_absolute_url()}*")
    assert step.path_of(page) == story.get_absolute_url()
    step.assert_unlocked(page, story, gated_line(len(metered_stories)))
    reader = get_user_model().objects.get(email="new.reader@journey.test")
    assert Benefit.AD_FREE in for_reader(reader)
    from masthead.billing.models import LedgerEntry

    charges = LedgerEntry.objects.filter(subscription__user=reader, kind="charge")
    assert [(c.amount, c.currency) for c in charges] == [(270000, "INR")]
    assert step.AD_MARKER not in page.content()
    assert page.locator(".ad-slot").count() == 0


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_declined_card_leaves_the_story_gated_and_charges_nothing(new_context, metered_stories, javascript):
    page = new_context("visitor", javascript=javascript).new_page()
    story = read_until_paywall(page, metered_stories)

    step.choose_plan(page, "smart-quarterly")
    step.reach_checkout(page, "declined.reader@journey.test", "smart-quarterly")
    step.pay(page, step.DECLINED_CARD)

    # A clear message, and no way past the paywall
    assert "declined" in step.text_of(page).lower()
    step.open_story(page, story)
    step.assert_gated(page, gated_line(len(metered_stories)), limit=FREE_LIMIT)
    reader = get_user_model().objects.get(email="declined.reader@journey.test")
    assert for_reader(reader) == frozenset()
    from masthead.billing.models import LedgerEntry

    assert LedgerEntry.objects.filter(subscription__user=reader, kind="charge").count() == 0


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_subscriber_on_two_devices_cancels_and_keeps_access_until_the_period_ends(new_context, publication,
                                                                                   javascript):
    step.set_free_limit(FREE_LIMIT)
    step.seed_plans()
    premium = gated_story(7, access=Article.Access.PREMIUM, headline="The budget's hidden arithmetic")
    laptop = new_context("laptop", javascript=javascript, user_agent=step.WINDOWS_CHROME).new_page()

    # Given a reader who subscribed to Smart Quarterly from a premium story's paywall
    step.open_story(laptop, premium)
    step.assert_gated(laptop, gated_line(7))
    assert "for subscribers" in step.text_of(laptop).lower()
    step.choose_plan(laptop, "smart-quarterly")
    step.reach_checkout(laptop, "two.devices@journey.test", "smart-quarterly")
    step.pay(laptop, step.GOOD_CARD)
    laptop.wait_for_url(f"**{premium.get_absolute_url()}*")
    step.assert_unlocked(laptop, premium, gated_line(7))

    # When they log in on a phone too, the account page lists both devices
    phone = new_context("phone", javascript=javascript, user_agent=step.ANDROID_CHROME).new_page()
    step.log_in(phone, "two.devices@journey.test", next_url=premium.get_absolute_url())
    step.assert_unlocked(phone, premium, gated_line(7))
    phone.goto("/accounts/")
    devices = step.text_of(phone)
    assert "Chrome on Windows" in devices
    assert "Chrome on Android" in devices

    # And they cancel on the subscription page: access stays until the paid period ends
    response = phone.goto("/accounts/subscription/")
    assert response.status == 200
    assert "Smart Quarterly" in step.text_of(phone)
    phone.get_by_role("link", name="Cancel subscription").click()
    phone.wait_for_load_state()
    assert "Cancel your Smart Quarterly subscription?" in step.text_of(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Yes, cancel my subscription").click()
    assert "Your subscription is cancelled and will not renew." in step.text_of(phone)
    from masthead.billing.models import Subscription

    subscription = Subscription.objects.get(user__email="two.devices@journey.test")
    assert subscription.state == Subscription.State.CANCELLED
    period_end = subscription.access_until
    laptop.reload()
    step.assert_unlocked(laptop, premium, gated_line(7))

    # Then a day before the end it is still open, and after the end the paywall is back
    move_clock_to(period_end - dt.timedelta(days=1))
    laptop.reload()
    step.assert_unlocked(laptop, premium, gated_line(7))
    move_clock_to(period_end + dt.timedelta(days=1))
    laptop.reload()
    step.assert_gated(laptop, gated_line(7))


def move_clock_to(moment: dt.datetime) -> None:
    """The live server shares this process, so its clock moves too."""
    clock.set_offset(moment - timezone.now())
