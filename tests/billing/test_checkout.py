"""Checkout from the offer to the article, through the sandbox's TEST MODE page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from masthead.access.entitlements import for_reader
from masthead.access.benefits import from_codes
from masthead.billing.demo import BENEFITS as PLAN_CODES
from masthead.billing.gateways.sandbox import DECLINED, NEEDS_AUTHENTICATION, SUCCEEDS
from masthead.billing.models import LedgerEntry, Subscription

PLAN_BENEFITS = from_codes(PLAN_CODES)  # what each reference plan opens

ARTICLE = "/2026/12/01/monsoon-arrives-early/"


def test_subscribe_page_shows_each_plan_as_the_offer_does(client, plans):
    html = client.get("/subscribe/").content.decode()
    for text in ("Smart Quarterly", "₹900", "/ 3 months", "₹300/Month",
                 "Smart Essential", "₹2,700", "/ 1 year", "₹225/Month",
                 "Super Saver", "₹3,900", "/ 2 years", "₹162/Month",
                 "Renews automatically, cancel anytime", "The archive back to 1997",
                 "The ePaper: a page-by-page replica of the daily print edition"):
        assert text in html, text


def test_checkout_asks_an_anonymous_reader_to_log_in_and_come_back(client, plans):
    response = client.get("/checkout/", {"plan": "smart-essential", "next": ARTICLE})
    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/login/?next=/checkout/%3Fplan%3Dsmart-essential%26next%3D%252F2026%252F12%252F01"
        "%252Fmonsoon-arrives-early%252F"
    )


def _pay(client, card: str, next_url: str = ARTICLE):
    start = client.post("/checkout/", {"plan": "smart-essential", "next": next_url})
    assert start.status_code == 302 and start["Location"].startswith("/sandbox/checkout/")
    page = client.get(start["Location"])
    assert "TEST MODE" in page.content.decode()
    return start["Location"], client.post(start["Location"], {"card_number": card})


def test_a_reader_buys_smart_essential_and_lands_back_on_the_article_unlocked(client, reader, plans, django_capture_on_commit_callbacks):
    client.force_login(reader)
    assert for_reader(reader) == frozenset()
    _, paid = _pay(client, "4242 4242 4242 4242")
    assert paid.status_code == 302 and paid["Location"].startswith("http://testserver/checkout/return/sandbox/?sandbox=")
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(paid["Location"])
    assert back.status_code == 302 and back["Location"] == ARTICLE
    sub = Subscription.objects.get(user=reader)
    assert sub.state == "active" and sub.plan.code == "smart-essential"
    assert for_reader(reader) == PLAN_BENEFITS
    assert list(LedgerEntry.objects.values_list("kind", "amount", "currency")) == [("charge", 270000, "INR")]


def test_the_signed_webhook_and_the_return_bring_the_same_payment_once(client, reader, plans, sandbox_store,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(reader)
    _, paid = _pay(client, SUCCEEDS)
    [(webhook_id, body, signature)] = sandbox_store.webhooks()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/billing/webhooks/sandbox/", body, content_type="application/json",
                               headers={"X-Sandbox-Signature": signature})
    assert response.status_code == 200
    assert Subscription.objects.get(user=reader).state == "active"  # the webhook alone unlocked it
    with django_capture_on_commit_callbacks(execute=True):
        client.get(paid["Location"])
    assert LedgerEntry.objects.filter(kind="charge").count() == 1


def test_a_declined_card_shows_a_clear_message_and_charges_nothing(client, reader, plans, sandbox_store):
    client.force_login(reader)
    _, paid = _pay(client, DECLINED)
    back = client.get(paid["Location"], follow=True)
    html = back.content.decode()
    assert "Your card was declined. No money was taken." in html
    assert back.redirect_chain[-1][0].startswith("/checkout/?plan=smart-essential&failed=1")
    assert Subscription.objects.get(user=reader).state == "pending"
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["failure"]
    assert for_reader(reader) == frozenset()
    assert [row[3] for row in sandbox_store.charges()] == [0]


def _otp_step(client):
    _, step = _pay(client, NEEDS_AUTHENTICATION)
    assert step.status_code == 302 and "/authenticate/?step=" in step["Location"]
    page = client.get(step["Location"])
    assert "One-time password" in page.content.decode()
    return step["Location"], parse_qs(urlsplit(step["Location"]).query)["step"][0]


def test_a_card_that_needs_authentication_pays_with_that_card_once_the_code_is_right(client, reader, plans):
    client.force_login(reader)
    url, token = _otp_step(client)
    wrong = client.post(url, {"step": token, "otp": "000000", "action": "confirm"})
    assert wrong.status_code == 400
    assert "That one-time password is not right (2 tries left). The test code is 123456." in wrong.content.decode()
    right = client.post(url, {"step": token, "otp": "123456", "action": "confirm"})
    client.get(right["Location"])
    sub = Subscription.objects.get(user=reader)
    assert (sub.state, sub.payment_method_label) == ("active", "Test card ending 3220")
    assert sub.payment_method.startswith("tok_sbx_3220_")
    assert "Test card ending 3220" in client.get("/accounts/subscription/").content.decode()


def test_three_wrong_one_time_passwords_decline_the_payment_saying_so(client, reader, plans):
    client.force_login(reader)
    url, token = _otp_step(client)
    for left in ("2 tries", "1 try"):
        wrong = client.post(url, {"step": token, "otp": "999999", "action": "confirm"})
        assert f"not right ({left} left)" in wrong.content.decode()
        token = wrong.context["step"]
    declined = client.post(url, {"step": token, "otp": "999999", "action": "confirm"})
    back = client.get(declined["Location"], follow=True)
    html = back.content.decode()
    assert ("The one-time password was wrong 3 times, so your bank refused the payment. "
            "No money was taken. You can try again.") in html
    assert "card was declined" not in html
    assert list(LedgerEntry.objects.values_list("kind", "reason")) == [
        ("failure", "The one-time password was wrong 3 times, so your bank refused the payment. No money was taken.")]
    assert Subscription.objects.get(user=reader).state == "pending"


def test_failing_authentication_is_reported_as_such(client, reader, plans):
    client.force_login(reader)
    url, token = _otp_step(client)
    failed = client.post(url, {"step": token, "action": "fail"})
    html = client.get(failed["Location"], follow=True).content.decode()
    assert "The payment was not authenticated at your bank. No money was taken. You can try again." in html
    assert Subscription.objects.get(user=reader).state == "pending"


def test_a_declined_card_is_reported_once(client, reader, plans):
    client.force_login(reader)
    _, paid = _pay(client, DECLINED)
    html = client.get(paid["Location"], follow=True).content.decode()
    assert html.count("No money was taken") == 1
    assert html.count('class="message message--error"') == 1


def test_a_forged_return_grants_nothing(client, reader, plans):
    client.force_login(reader)
    _, paid = _pay(client, DECLINED)
    forged = paid["Location"].replace("sandbox=", "sandbox=x")
    response = client.get(forged, follow=True)
    assert "We could not confirm that payment" in response.content.decode()
    assert Subscription.objects.get(user=reader).state == "pending"
    assert for_reader(reader) == frozenset()


def test_next_pointing_off_site_sends_the_reader_to_the_account_page(client, reader, plans):
    client.force_login(reader)
    _, paid = _pay(client, SUCCEEDS, next_url="https://evil.example/phish")
    assert client.get(paid["Location"])["Location"] == "/accounts/subscription/"


def test_a_tampered_sandbox_link_is_refused(client, reader, plans):
    client.force_login(reader)
    start = client.post("/checkout/", {"plan": "smart-essential"})
    assert client.get(start["Location"][:-3] + "xx/").status_code == 400


@pytest.mark.parametrize("plan", ["", "no-such-plan"])
def test_checkout_without_a_known_plan_goes_back_to_the_offer(client, reader, plans, plan):
    client.force_login(reader)
    assert client.get("/checkout/", {"plan": plan})["Location"] == "/subscribe/"


def test_a_plan_chosen_on_the_paywall_goes_straight_to_checkout(client, plans):
    response = client.get("/subscribe/", {"plan": "super-saver", "next": ARTICLE})
    assert response["Location"] == "/checkout/?plan=super-saver&next=%2F2026%2F12%2F01%2Fmonsoon-arrives-early%2F"
