"""Offers: the price a code gives, said in the reference wording, charged, invoiced and limited."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.billing import actions, redemptions
from masthead.billing.discounts import OfferTerms, charge_for_period, discounted, first_charge, price_line
from masthead.billing.gateways.sandbox import SUCCEEDS
from masthead.billing.models import Invoice, LedgerEntry, Offer, Redemption, Subscription
from masthead.billing.renewals import renew_due
from masthead.core import clock
from tests.instants import ORDINARY_DAY

HALF = OfferTerms(code="HALF", kind="percent", percent_off=50, periods=1)


# --- the arithmetic and the words (pure) ------------------------------------------------------

@pytest.mark.parametrize(("price", "terms", "expected"), [
    (90000, HALF, 45000),
    (90000, OfferTerms(code="X", kind="percent", percent_off=33), 60300),   # 29,700 off, half up
    (90001, OfferTerms(code="X", kind="percent", percent_off=50), 45000),   # 45,000.5 off rounds up
    (270000, OfferTerms(code="X", kind="fixed", amount_off=70000), 200000),
    (90000, OfferTerms(code="X", kind="fixed", amount_off=100000), 0),       # never below nothing
    (90000, OfferTerms(code="X", kind="percent", percent_off=100), 0),
    (90000, OfferTerms(code="X", kind="none", trial_days=7), 90000),
])
def test_a_discount_takes_off_what_it_says(price, terms, expected):
    assert discounted(price, terms) == expected


@pytest.mark.parametrize(("terms", "charges"), [
    (HALF, [45000, 90000, 90000]),
    (OfferTerms(code="X", kind="percent", percent_off=50, periods=2), [45000, 45000, 90000]),
    (OfferTerms(code="X", kind="percent", percent_off=50, periods=0), [45000, 45000, 45000]),  # forever
    (None, [90000, 90000, 90000]),
])
def test_the_discount_lasts_the_periods_it_gives(terms, charges):
    assert [charge_for_period(90000, terms, n)[0] for n in range(3)] == charges


@pytest.mark.parametrize(("price", "months", "terms", "line"), [
    (90000, 3, HALF, "₹450 for the first 3 months, then ₹900 every 3 months"),
    (90000, 3, OfferTerms(code="X", kind="percent", percent_off=50, periods=2),
     "₹450 for the first 6 months, then ₹900 every 3 months"),
    (270000, 12, OfferTerms(code="X", kind="fixed", amount_off=70000), "₹2,000 for the first year, then ₹2,700 every year"),
    (390000, 24, OfferTerms(code="X", kind="percent", percent_off=10, periods=0), "₹3,510 every 2 years"),
    (90000, 3, OfferTerms(code="X", kind="none", trial_days=14), "Free for 14 days, then ₹900 every 3 months"),
    (90000, 3, OfferTerms(code="X", kind="percent", percent_off=50, trial_days=7, trial_price=100),
     "₹1 for 7 days, then ₹450 for the next 3 months, then ₹900 every 3 months"),
    (90000, 3, OfferTerms(code="X", kind="percent", percent_off=33), "₹603 for the first 3 months, then ₹900 every 3 months"),
    (90050, 3, HALF, "₹450.25 for the first 3 months, then ₹900.50 every 3 months"),
    (90000, 3, None, "₹900 every 3 months"),
])
def test_the_offer_is_said_in_the_reference_wording(price, months, terms, line):
    assert price_line(price, months, terms) == line


def test_what_is_paid_at_checkout():
    assert first_charge(90000, HALF) == 45000
    assert first_charge(90000, OfferTerms(code="X", kind="none", trial_days=14)) == 0
    assert first_charge(90000, OfferTerms(code="X", kind="percent", percent_off=50, trial_days=7, trial_price=100)) == 100


# --- fixtures ---------------------------------------------------------------------------------

def renew_at(at, capture):
    with capture(execute=True):
        return renew_due(now=at)


# --- charged, invoiced, renewed -----------------------------------------------------------------

def test_the_first_quarter_at_half_price_is_charged_and_invoiced_on_the_discounted_price(
        reader, plans, make_offer, buy_with):
    offer = make_offer(only=["smart-quarterly"])
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], offer)
    assert sub.state == "active" and sub.offer == offer and sub.discounted_charges == 1
    [charge] = LedgerEntry.objects.filter(subscription=sub)
    assert (charge.amount, charge.list_price, charge.discount, charge.offer_code) == (45000, 90000, 45000, "HALF")
    invoice = Invoice.objects.get(payment=charge)
    # GST is broken out of the discounted price: 45,000 × 100 / 118 = 38,135.59 -> 38,136.
    assert (invoice.total, invoice.taxable_value, invoice.cgst, invoice.sgst) == (45000, 38136, 3432, 3432)


def test_after_the_offers_periods_the_renewal_is_at_the_plans_price(reader, plans, make_offer, buy_with,
                                                                     django_capture_on_commit_callbacks):
    offer = make_offer(periods=2)
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], offer)
    for _ in range(2):
        end = sub.current_period_end
        renew_at(end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
        assert renew_at(end, django_capture_on_commit_callbacks).renewed == 1
        sub.refresh_from_db()
    charges = list(LedgerEntry.objects.filter(subscription=sub, kind="charge").order_by("period_start")
                   .values_list("amount", "discount", "offer_code"))
    assert charges == [(45000, 45000, "HALF"), (45000, 45000, "HALF"), (90000, 0, "")]


def test_the_pre_debit_notice_names_the_offer_price(reader, plans, make_offer, buy_with,
                                                    django_capture_on_commit_callbacks, mailoutbox):
    offer = make_offer(periods=2)
    with clock.travel(ORDINARY_DAY, frozen=True):
        sub = buy_with(reader, plans["smart-quarterly"], offer)
    mailoutbox.clear()
    renew_at(sub.current_period_end - dt.timedelta(hours=30), django_capture_on_commit_callbacks)
    [notice] = mailoutbox
    assert "Amount to be charged: ₹450 for 3 months (your offer price; the plan is ₹900)" in notice.body


# --- limits ---------------------------------------------------------------------------------------

def test_an_expired_offer_is_refused(reader, plans, make_offer):
    offer = make_offer(expires_at=ORDINARY_DAY)
    with clock.travel(ORDINARY_DAY, frozen=True), pytest.raises(redemptions.OfferRefused, match="has ended"):
        redemptions.check(offer, reader, plans["smart-quarterly"])
    with clock.travel(ORDINARY_DAY - dt.timedelta(seconds=1), frozen=True):
        assert redemptions.check(offer, reader, plans["smart-quarterly"]) == offer


def test_an_offer_for_chosen_plans_is_refused_on_the_others(reader, plans, make_offer):
    offer = make_offer(only=["smart-quarterly"])
    with pytest.raises(redemptions.OfferRefused, match="That offer is for Smart Quarterly only."):
        redemptions.check(offer, reader, plans["smart-essential"])


def test_a_reader_uses_an_offer_once_and_an_abandoned_checkout_does_not_use_it_up(
        reader, plans, make_offer, sandbox, buy_with):
    offer = make_offer(new_subscribers_only=False, max_redemptions=5)
    plan = plans["smart-quarterly"]
    abandoned, _ = actions.start_checkout(reader, plan, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                                          gateway=sandbox, offer=offer)
    sub = buy_with(reader, plan, offer)  # the second checkout takes over the first one's redemption
    offer.refresh_from_db()
    assert offer.redemptions == 1
    assert Redemption.objects.get(offer=offer, user=reader).subscription == sub
    actions.cancel_subscription(sub)
    Subscription.objects.filter(pk=sub.pk).update(state="expired", access_until=None)
    with pytest.raises(redemptions.OfferRefused, match="already used"):
        redemptions.check(offer, reader, plan)
    with pytest.raises(actions.BillingError, match="already used"):
        actions.start_checkout(reader, plan, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                               gateway=sandbox, offer=offer)
    assert abandoned.pk != sub.pk


def test_an_introductory_offer_is_for_new_subscribers(subscriber, plans, make_offer):
    offer = make_offer(purpose="introductory")
    with pytest.raises(redemptions.OfferRefused, match="for new subscribers"):
        redemptions.check(offer, subscriber, plans["smart-quarterly"])


def test_the_total_limit_is_kept(make_user, plans, make_offer, sandbox):
    offer = make_offer(max_redemptions=2)
    plan = plans["smart-quarterly"]
    for name in ("one", "two"):
        actions.start_checkout(make_user(name), plan, return_url="http://testserver/r/",
                               cancel_url="http://testserver/c/", gateway=sandbox, offer=offer)
    with pytest.raises(actions.BillingError, match="fully taken up"):
        actions.start_checkout(make_user("three"), plan, return_url="http://testserver/r/",
                               cancel_url="http://testserver/c/", gateway=sandbox, offer=offer)
    offer.refresh_from_db()
    assert offer.redemptions == 2
    assert Subscription.objects.filter(user__username="three").count() == 0  # rolled back with the refusal


# --- the pages ----------------------------------------------------------------------------------------

def test_subscribe_with_an_offer_link_shows_the_real_first_price_and_the_price_after(client, plans, make_offer):
    make_offer(only=["smart-quarterly"])
    html = client.get("/subscribe/", {"offer": "half"}).content.decode()
    assert "₹450 for the first 3 months, then ₹900 every 3 months" in html
    assert html.count('type="hidden" name="offer" value="HALF"') == 1  # only the plan it applies to carries it
    assert "₹2,700 for the first" not in html


def test_an_unknown_offer_code_says_so_and_shows_the_usual_prices(client, plans):
    html = client.get("/subscribe/", {"offer": "NOPE"}, follow=True).content.decode()
    assert "That offer code is not valid." in html and "₹900" in html


def test_checkout_with_an_offer_code_pays_the_offer_price(client, reader, plans, make_offer,
                                                          django_capture_on_commit_callbacks):
    make_offer(only=["smart-quarterly"])
    client.force_login(reader)
    page = client.get("/checkout/", {"plan": "smart-quarterly", "offer": "HALF"}).content.decode()
    assert "You pay ₹450 now: ₹450 for the first 3 months, then ₹900 every 3 months." in page
    start = client.post("/checkout/", {"plan": "smart-quarterly", "offer": "HALF"})
    assert start.status_code == 302
    assert "Pay ₹450" in client.get(start["Location"]).content.decode()
    paid = client.post(start["Location"], {"card_number": SUCCEEDS})
    with django_capture_on_commit_callbacks(execute=True):
        client.get(paid["Location"])
    assert list(LedgerEntry.objects.values_list("amount", "discount")) == [(45000, 45000)]


def test_checkout_refuses_an_offer_code_for_another_plan_and_says_why(client, reader, plans, make_offer):
    make_offer(only=["smart-quarterly"])
    client.force_login(reader)
    response = client.post("/checkout/", {"plan": "smart-essential", "offer": "HALF"})
    assert response.status_code == 400
    assert "That offer is for Smart Quarterly only." in response.content.decode()
    assert Subscription.objects.count() == 0


def test_the_paywall_and_subscribe_show_a_running_introductory_offer(client, plans, make_offer):
    from masthead.access.read import offers

    make_offer("WELCOME", purpose="introductory", only=["smart-quarterly"])
    [quarterly] = [o for o in offers() if o.code == "smart-quarterly"]
    assert quarterly.offer_line == "₹450 for the first 3 months, then ₹900 every 3 months"
    assert quarterly.offer_code == "WELCOME"
    assert all(not o.offer_line for o in offers() if o.code != "smart-quarterly")
    html = client.get("/subscribe/").content.decode()
    assert "₹450 for the first 3 months, then ₹900 every 3 months" in html
