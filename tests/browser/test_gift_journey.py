"""Journey: an anonymous visitor buys a gift subscription on /gift/ with the sandbox, and the
recipient, a new reader, signs up from the e-mailed link and redeems it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from masthead.access.entitlements import for_reader
from masthead.billing.models import Gift, LedgerEntry, Subscription
from tests.browser import journeys as step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publication():
    from tests.content.factories import PublicationFactory

    return PublicationFactory(name="The Journey Herald")


def test_a_visitor_buys_a_gift_and_a_new_reader_redeems_it(new_context, publication):
    from django.contrib.auth import get_user_model

    step.seed_plans()
    buyer = new_context("buyer").new_page()

    # Given the gift page, reached from /subscribe
    buyer.goto("/subscribe/")
    buyer.click("text=Give a gift subscription")
    buyer.wait_for_load_state()
    assert "3 months ₹675 · 6 months ₹1,350 · 12 months ₹2,700" in step.text_of(buyer)

    # When the visitor fills it in and pays with the sandbox
    buyer.check('input[name=plan][value="smart-essential"]')
    buyer.select_option("#months", "6")
    buyer.fill("#recipient_email", "meera@journey.test")
    buyer.fill("#recipient_name", "Meera")
    buyer.fill("#message", "Happy birthday, Meera!")
    buyer.fill("#buyer_name", "Ravi")
    buyer.fill("#buyer_email", "ravi@journey.test")
    step.submit(buyer, "form.gift-form")
    assert "Pay ₹1,350" in step.text_of(buyer)
    step.pay(buyer, step.GOOD_CARD)
    assert "Thank you: your gift is paid" in step.text_of(buyer)

    # Then the recipient has an e-mail with the message and a signed link
    [present] = [m for m in mail.outbox if m.to == ["meera@journey.test"]]
    assert "Happy birthday, Meera!" in present.body
    link = urlsplit(re.search(r"https?://\S+/gift/redeem/\S+/", present.body).group(0)).path

    # And the recipient, new here, signs up from the link and redeems it
    reader = new_context("recipient").new_page()
    reader.goto(link)
    assert "A gift: 6 months of Smart Essential" in step.text_of(reader)
    reader.click("text=create a free account")
    reader.wait_for_load_state()
    step.sign_up(reader, "meera@journey.test")
    reader.goto(link)
    step.submit(reader, "main form")
    assert "Your gift is redeemed: Smart Essential" in step.text_of(reader)
    assert "Gifts you received" in step.text_of(reader)

    meera = get_user_model().objects.get(email="meera@journey.test")
    gift = Gift.objects.get()
    assert (gift.state, gift.redeemed_by, gift.buyer) == ("redeemed", meera, None)
    assert for_reader(meera) != frozenset()
    assert Subscription.objects.count() == 0
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 135000)]
