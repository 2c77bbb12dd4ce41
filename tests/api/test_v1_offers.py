"""The API's paywall copy says what the HTML paywall says, for every kind of refusal."""

from __future__ import annotations

import html
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from masthead.access.decision import Reason
from masthead.access.read import Paywall
from masthead.api.v1 import offers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", offers.REFUSALS)
def test_the_title_is_the_html_paywalls(reason, publication):
    paywall = Paywall(reason=reason, message=reason.label, limit=5, used=5, remaining=0, period_phrase="this month",
                      archive_days=30, article_url="/2026/06/15/a-story/")
    page = render_to_string("access/paywall.html", {"paywall": paywall})
    shown = html.unescape(re.search(r'<h2 class="paywall__title"[^>]*>(.*?)</h2>', page, re.S).group(1)).strip()

    title, _ = offers.copy(reason, limit=5, phrase="this month", archive_days=30)

    assert title == shown


def test_the_offers_carry_paise_and_the_web_subscribe_link(plans):
    listed = Client().get("/api/v1/offers").json()

    assert [(o["code"], o["price"], o["price_text"], o["per_month_text"]) for o in listed] == [
        ("smart-quarterly", 90000, "₹900", "₹300/Month"),
        ("smart-essential", 270000, "₹2,700", "₹225/Month"),
        ("super-saver", 390000, "₹3,900", "₹162/Month"),
    ]
    assert listed[0]["subscribe_url"] == "http://127.0.0.1:8000/subscribe/?plan=smart-quarterly"
    assert listed[0]["renewal"] == "Renews automatically, cancel anytime"


def test_the_paywall_copy_follows_the_rules(publication, settings):
    settings.MASTHEAD_FREE_LIMIT = 3

    info = Client().get("/api/v1/paywall").json()

    assert info["free_limit"] == 3
    assert info["copy_by_reason"][0] == {"reason": Reason.LIMIT_REACHED.value,
                                         "title": "You've reached your limit of 3 free articles this month.",
                                         "text": "Subscribe now for unlimited access."}
    assert info["login_prompt"] == "Already subscribed? Log in"
