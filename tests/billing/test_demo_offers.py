"""The demo seeds an introductory offer on each plan and a retention offer, once, and prints each code."""

from __future__ import annotations

from masthead.billing.demo import seed_offers
from masthead.billing.models import Offer


def test_the_demo_offers_are_seeded_once_and_each_code_is_printed(plans, client):
    lines: list[str] = []
    seed_offers(progress=lines.append)
    seed_offers(progress=lines.append)
    assert Offer.objects.count() == 4
    assert lines[:4] == [
        "Offer code: WELCOME50 (Half price for your first quarter: ₹450 for the first 3 months, then ₹900 every "
        "3 months on Smart Quarterly; /subscribe/?offer=WELCOME50)",
        "Offer code: ESSENTIAL700 (₹700 off your first year: ₹2,000 for the first year, then ₹2,700 every year on "
        "Smart Essential; /subscribe/?offer=ESSENTIAL700)",
        "Offer code: SAVER14 (Two weeks free, then 10% off: Free for 14 days, then ₹3,510 for the next 2 years, "
        "then ₹3,900 every 2 years on Super Saver; /subscribe/?offer=SAVER14)",
        "Offer code: STAY25 (Stay with us: 25% off your next two renewals: ₹2,025 for the first 2 years, then "
        "₹2,700 every year, e.g. on Smart Essential; /subscribe/?offer=STAY25)",
    ]
    html = client.get("/subscribe/").content.decode()
    for line in ("₹450 for the first 3 months, then ₹900 every 3 months",
                 "₹2,000 for the first year, then ₹2,700 every year",
                 "Free for 14 days, then ₹3,510 for the next 2 years, then ₹3,900 every 2 years"):
        assert line in html
