"""Journeys through the sandbox's TEST MODE checkout: the card that asks for a one-time password.

Each runs with JavaScript on and off.
"""

from __future__ import annotations

import pytest

from masthead.billing.models import LedgerEntry, Subscription
from tests.browser import journeys as step
from tests.browser.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTP_CARD = "4000 0000 0000 3220"


@pytest.fixture
def publication():
    from tests.content.factories import PublicationFactory

    return PublicationFactory(name="The Journey Herald")


def confirm_code(page, code: str) -> None:
    page.fill("[name=otp]", code)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_reader_pays_with_the_card_that_asks_for_a_one_time_password(new_context, publication, javascript):
    step.seed_plans()
    reader = make_user("otp.reader@journey.test")
    page = new_context("reader", javascript=javascript).new_page()

    # Given a signed-in reader at checkout for Smart Essential
    step.log_in(page, "otp.reader@journey.test")
    page.goto("/checkout/?plan=smart-essential")
    step.submit(page)
    assert "TEST MODE" in step.text_of(page)

    # When they pay with the card that needs a one-time password and mistype the code once
    step.pay(page, OTP_CARD)
    assert "One-time password" in step.text_of(page)
    confirm_code(page, "000000")
    assert "That one-time password is not right (2 tries left)" in step.text_of(page)
    confirm_code(page, "123456")

    # Then the subscription is active, paid by that card, and the account page says so
    assert step.path_of(page) == "/accounts/subscription/"
    text = step.text_of(page)
    assert "Test card ending 3220" in text
    assert "4242" not in text
    sub = Subscription.objects.get(user=reader)
    assert (sub.state, sub.payment_method_label) == ("active", "Test card ending 3220")
    assert list(LedgerEntry.objects.filter(subscription=sub).values_list("kind", "amount")) == [("charge", 270000)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_three_wrong_codes_decline_the_payment_with_one_clear_message(new_context, publication, javascript):
    step.seed_plans()
    reader = make_user("otp.wrong@journey.test")
    page = new_context("reader", javascript=javascript).new_page()
    step.log_in(page, "otp.wrong@journey.test")
    page.goto("/checkout/?plan=smart-quarterly")
    step.submit(page)
    step.pay(page, OTP_CARD)
    for code in ("111111", "222222", "333333"):
        confirm_code(page, code)

    text = step.text_of(page)
    assert text.count("The one-time password was wrong 3 times, so your bank refused the payment.") == 1
    assert text.count("No money was taken") == 1
    assert "declined" not in text.lower()
    assert Subscription.objects.get(user=reader).state == "pending"
    assert LedgerEntry.objects.filter(subscription__user=reader, kind="charge").count() == 0
