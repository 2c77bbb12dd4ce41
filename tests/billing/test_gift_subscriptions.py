"""Gift subscriptions: bought once (signed in or not), e-mailed on their day, redeemed to an
account, never renewed; a gift to a subscriber pushes their renewal back; refunds before
redemption; webhook replays."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from masthead.access.benefits import from_codes
from masthead.access.entitlements import for_reader
from masthead.billing import gifts, renewals, webhooks
from masthead.billing.demo import BENEFITS as PLAN_CODES
from masthead.billing.gateways.sandbox import DECLINED, SIGNATURE_HEADER, SUCCEEDS
from masthead.billing.models import Gift, Invoice, LedgerEntry, Subscription, WebhookEvent
from masthead.billing.periods import add_months
from masthead.core import clock
from tests.billing import gift_checkout
from tests.instants import IST_JUST_AFTER_MIDNIGHT, IST_JUST_BEFORE_MIDNIGHT, ORDINARY_DAY

PLAN_BENEFITS = from_codes(PLAN_CODES)
LINK = re.compile(r"http://\S+/gift/redeem/\S+/")


@pytest.fixture
def buy_gift(sandbox, django_capture_on_commit_callbacks):
    """Buy a gift through the sandbox's checkout; returns the gift (paid, or not with a declined card)."""

    def buy(plan, months=6, **options):
        return gift_checkout.buy_gift(sandbox, django_capture_on_commit_callbacks, plan, months, **options)

    return buy


def _link(mail) -> str:
    return urlsplit(LINK.search(mail.body).group(0)).path


def test_the_gift_page_prices_each_length_pro_rata_and_subscribe_links_to_it(client, plans):
    html = client.get("/gift/").content.decode()
    assert "<strong>Smart Essential</strong>: 3 months ₹675 · 6 months ₹1,350 · 12 months ₹2,700" in html
    assert "<strong>Smart Quarterly</strong>: 3 months ₹900 · 6 months ₹1,800 · 12 months ₹3,600" in html
    assert "<strong>Super Saver</strong>: 3 months ₹487.50 · 6 months ₹975 · 12 months ₹1,950" in html
    assert 'href="/gift/"' in client.get("/subscribe/").content.decode()


def test_an_anonymous_visitor_buys_a_gift_on_the_gift_page_and_the_recipient_is_mailed_today(
        client, plans, django_capture_on_commit_callbacks, mailoutbox):
    with clock.travel(ORDINARY_DAY, frozen=True):
        start = client.post("/gift/", {
            "plan": "smart-essential", "months": "6", "recipient_email": "meera@example.in", "recipient_name": "Meera",
            "message": "Happy birthday, Meera!", "deliver_on": "2026-06-15", "buyer_email": "ravi@example.in",
            "buyer_name": "Ravi"})
        assert start.status_code == 302 and start["Location"].startswith("/sandbox/checkout/")
        page = client.get(start["Location"]).content.decode()
        assert "Pay ₹1,350" in page and "a one-time payment, does not renew" in page
        paid = client.post(start["Location"], {"card_number": SUCCEEDS})
        with django_capture_on_commit_callbacks(execute=True):
            back = client.get(paid["Location"])
    assert back.status_code == 200
    assert "Thank you: your gift is paid" in back.content.decode()
    gift = Gift.objects.get()
    assert (gift.state, gift.buyer, gift.amount, gift.months, gift.recipient_email) == (
        "sent", None, 135000, 6, "meera@example.in")
    assert list(LedgerEntry.objects.values_list("kind", "amount", "gift_id", "subscription_id")) == [
        ("charge", 135000, gift.pk, None)]
    invoice = Invoice.objects.get()
    assert (invoice.total, invoice.taxable_value, invoice.cgst, invoice.sgst, invoice.gift_id, invoice.buyer_email,
            invoice.description) == (135000, 114407, 10296, 10297, gift.pk, "ravi@example.in",
                                     "Gift subscription: Smart Essential, 6 months")
    assert Subscription.objects.count() == 0
    receipt, present = mailoutbox
    assert receipt.to == ["ravi@example.in"] and "is paid (₹1,350, GST included" in receipt.body
    assert present.to == ["meera@example.in"]
    assert present.subject == "A gift for you: 6 months of The Daily Masthead"
    assert "Ravi has given you 6 months of Smart Essential" in present.body
    assert "Happy birthday, Meera!" in present.body
    assert _link(present) == gifts.link_for(gift)


def test_a_declined_card_leaves_the_gift_unpaid_and_its_link_does_not_exist(buy_gift, essential, client, mailoutbox):
    gift = buy_gift(essential, card=DECLINED)
    assert gift.state == "failed"
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["failure"]
    assert mailoutbox == []
    assert client.get(gifts.link_for(gift)).status_code == 404


def test_a_signed_in_buyer_chooses_a_later_day_and_the_worker_mails_it_on_that_day_in_the_publications_calendar(
        buy_gift, essential, make_user, client, mailoutbox, django_capture_on_commit_callbacks):
    buyer = make_user("ravi")
    with clock.travel(IST_JUST_BEFORE_MIDNIGHT, frozen=True):  # 23:50 on 1 December in Kolkata
        gift = buy_gift(essential, 3, buyer=buyer, deliver_on=dt.date(2026, 12, 2))
        mailoutbox.clear()  # the buyer's receipt
        with django_capture_on_commit_callbacks(execute=True):
            assert gifts.run_due() == "0 gift(s) delivered, 0 offer(s) to continue sent"
    assert gift.state == "paid" and mailoutbox == []
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):  # 00:15 on 2 December there, 1 December in UTC
        with django_capture_on_commit_callbacks(execute=True):
            assert gifts.run_due() == "1 gift(s) delivered, 0 offer(s) to continue sent"
            assert gifts.deliver_due() == 0
    [present] = mailoutbox
    assert present.to == ["meera@example.in"] and _link(present) == gifts.link_for(gift)
    gift.refresh_from_db()
    assert (gift.state, gift.buyer, gift.sent_at) == ("sent", buyer, IST_JUST_AFTER_MIDNIGHT)
    client.force_login(buyer)
    listing = client.get("/accounts/gifts/").content.decode()
    assert "<td>Smart Essential, 3 months</td><td>Meera</td>" in listing
    assert "<td>₹675</td><td>2 December 2026</td><td>Sent to the recipient</td>" in listing


def test_a_delivery_date_in_the_past_is_refused_and_nothing_is_bought(client, plans):
    with clock.travel(ORDINARY_DAY, frozen=True):
        response = client.post("/gift/", {
            "plan": "smart-essential", "months": "6", "recipient_email": "meera@example.in",
            "deliver_on": "2026-06-14", "buyer_email": "ravi@example.in"})
    assert response.status_code == 400
    assert "The delivery date is in the past: choose today or a later day." in response.content.decode()
    assert Gift.objects.count() == 0


def test_a_replayed_webhook_makes_one_payment_and_one_gift(buy_gift, essential, client, sandbox_store, sandbox,
                                                           django_capture_on_commit_callbacks):
    order = gifts.GiftOrder(plan=essential, months=12, recipient_email="meera@example.in",
                            deliver_on=gifts.local_today(), buyer_email="ravi@example.in")
    gift, start = gifts.start_purchase(order, None, return_url="http://testserver/gift/return/sandbox/",
                                       cancel_url="http://testserver/gift/", gateway=sandbox)
    sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
    [(_, body, signature)] = sandbox_store.webhooks()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/billing/webhooks/sandbox/", body, content_type="application/json",
                                   headers={SIGNATURE_HEADER: signature})
        assert response.status_code == 200
    webhooks.replay(WebhookEvent.objects.get(status="succeeded").pk)
    gift.refresh_from_db()
    assert gift.state == "sent"
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("charge", 270000)]
    assert Invoice.objects.count() == 1
    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == ["duplicate", "succeeded"]


def test_a_new_reader_signs_up_from_the_link_and_redeems_the_gift(buy_gift, essential, client, make_user, mailoutbox):
    with clock.travel(ORDINARY_DAY, frozen=True):
        gift = buy_gift(essential, 6)
        link = _link(mailoutbox[-1])
        page = client.get(link).content.decode()
        assert "A gift: 6 months of Smart Essential" in page and "Happy birthday, Meera!" in page
        assert f'href="/accounts/signup/?next={link.replace("/", "%2F").replace(":", "%3A")}"' in page
        meera = make_user("meera")  # what signing up makes
        client.force_login(meera)
        assert for_reader(meera) == frozenset()
        redeemed = client.post(link)
        assert redeemed.status_code == 302 and redeemed["Location"] == "/accounts/gifts/"
        assert for_reader(meera) == PLAN_BENEFITS
    gift.refresh_from_db()
    assert (gift.state, gift.redeemed_by, gift.access_from, gift.access_until, gift.extended) == (
        "redeemed", meera, ORDINARY_DAY, add_months(ORDINARY_DAY, 6), None)
    listing = client.get("/accounts/gifts/").content.decode()
    assert "<td>Smart Essential, 6 months</td><td>Ravi</td>" in listing
    assert "15 June 2026 to 15 December 2026 (does not renew)" in listing
    assert Subscription.objects.count() == 0  # nothing that could renew


def test_an_existing_reader_redeems_and_the_gift_never_renews(buy_gift, essential, reader, sandbox_store,
                                                            django_capture_on_commit_callbacks):
    with clock.travel(ORDINARY_DAY, frozen=True):
        gift = gifts.redeem(buy_gift(essential, 3), reader)
    ends = add_months(ORDINARY_DAY, 3)
    assert gift.access_until == ends
    with clock.travel(ends - dt.timedelta(seconds=1), frozen=True):
        assert for_reader(reader) == PLAN_BENEFITS
    with clock.travel(ends + dt.timedelta(days=1), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            renewals.renew_due()
        assert for_reader(reader) == frozenset()
    # the sandbox's books hold the gift's one payment and nothing after it
    assert [row[2] for row in sandbox_store.charges()] == [67500]


def test_a_gift_to_a_subscriber_pushes_their_renewal_back_by_its_months(buy_gift, essential, subscriber, sandbox_store,
                                                                        django_capture_on_commit_callbacks):
    sub = Subscription.objects.get(user=subscriber)
    paid_until, margin = sub.current_period_end, sub.access_until - sub.current_period_end
    gift = gifts.redeem(buy_gift(essential, 6), subscriber)
    sub.refresh_from_db()
    assert (gift.access_from, gift.access_until, gift.extended) == (paid_until, add_months(paid_until, 6), sub)
    assert (sub.state, sub.current_period_end, sub.access_until) == (
        "active", add_months(paid_until, 6), add_months(paid_until, 6) + margin)
    with clock.travel(paid_until + dt.timedelta(days=2), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            renewals.renew_due()
        assert for_reader(subscriber) == PLAN_BENEFITS
    assert len(sandbox_store.charges(sub.reference)) == 1  # only the first payment: the gift pays the next months


def test_a_gift_to_a_cancelled_subscriber_starts_when_their_paid_period_ends(buy_gift, essential, subscriber):
    from masthead.billing import actions

    sub = actions.cancel_subscription(Subscription.objects.get(user=subscriber))
    gift = gifts.redeem(buy_gift(essential, 3), subscriber)
    assert (gift.access_from, gift.access_until) == (sub.access_until, add_months(sub.access_until, 3))
    with clock.travel(sub.access_until + dt.timedelta(days=1), frozen=True):
        assert for_reader(subscriber) == PLAN_BENEFITS
    with clock.travel(add_months(sub.access_until, 3) + dt.timedelta(seconds=1), frozen=True):
        assert for_reader(subscriber) == frozenset()


def test_the_recipient_is_offered_to_continue_a_week_before_the_gift_ends_once(
        buy_gift, essential, reader, mailoutbox, django_capture_on_commit_callbacks):
    with clock.travel(ORDINARY_DAY, frozen=True):
        gift = gifts.redeem(buy_gift(essential, 3), reader)
    mailoutbox.clear()
    with clock.travel(gift.access_until - dt.timedelta(days=8), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            assert gifts.send_continue_offers() == 0
    with clock.travel(gift.access_until - dt.timedelta(days=6), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            assert gifts.send_continue_offers() == 1
            assert gifts.send_continue_offers() == 0
    [offer] = mailoutbox
    assert offer.to == [reader.email]
    assert offer.subject == "Your gift subscription to The Daily Masthead ends on 15 September 2026"
    assert f"{settings.MASTHEAD_PUBLIC_URL}/subscribe/?plan=smart-essential" in offer.body
    assert "It does not renew." in offer.body


def test_a_refund_before_redemption_cancels_the_gift_and_its_link(buy_gift, essential, reader, client, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    gift = buy_gift(essential, 12)
    link = _link(mailoutbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        entry = gifts.refund(gift)
    gift.refresh_from_db()
    assert (gift.state, entry.kind, entry.amount, entry.gift_id) == ("refunded", "refund", 270000, gift.pk)
    assert mailoutbox[-1].subject == "Your gift of Smart Essential is cancelled and refunded"
    with pytest.raises(gifts.GiftRefused, match="This gift was cancelled and refunded."):
        gifts.redeem(gift, reader)
    client.force_login(reader)
    assert "This gift was cancelled and refunded." in client.get(link).content.decode()
    assert for_reader(reader) == frozenset()
    with pytest.raises(gifts.GiftRefused, match="Only a paid gift can be refunded."):
        gifts.refund(gift)


def test_a_redeemed_gift_cannot_be_refunded_or_redeemed_again(buy_gift, essential, reader, make_user):
    gift = gifts.redeem(buy_gift(essential, 3), reader)
    with pytest.raises(gifts.GiftRefused, match="A redeemed gift cannot be refunded"):
        gifts.refund(gift)
    with pytest.raises(gifts.GiftRefused, match="This gift has already been redeemed."):
        gifts.redeem(gift, make_user("someone-else"))
    assert LedgerEntry.objects.filter(kind="refund").count() == 0


def test_staff_refund_a_gift_from_the_admin(buy_gift, essential, admin_client):
    gift = buy_gift(essential, 6)
    response = admin_client.post("/admin/billing/gift/", {"action": "refund_before_redemption",
                                                          "_selected_action": [gift.pk]})
    assert response.status_code == 302
    gift.refresh_from_db()
    assert gift.state == "refunded"
    page = admin_client.get(f"/admin/billing/gift/{gift.pk}/change/").content.decode()
    assert "meera@example.in" in page and "₹1,350.00" in page


def test_gifts_are_in_the_buyers_and_recipients_data_export_and_erasure_detaches_them(buy_gift, essential, make_user):
    from masthead.billing import personal_data

    ravi, meera = make_user("ravi"), make_user("meera")
    gift = gifts.redeem(buy_gift(essential, 3, buyer=ravi), meera)
    assert [(g["reference"], g["recipient_email"], g["message"]) for g in personal_data.export(ravi)["gifts_given"]] \
        == [(gift.reference, "meera@example.in", "Happy birthday, Meera!")]
    assert [(g["reference"], g["from"]) for g in personal_data.export(meera)["gifts_received"]] == [
        (gift.reference, "Ravi")]
    personal_data.erase(meera)
    gift.refresh_from_db()
    assert (gift.redeemed_by, gift.recipient_email, gift.message, gift.buyer) == (None, "", "", ravi)
    personal_data.erase(ravi)
    gift.refresh_from_db()
    assert (gift.buyer, gift.buyer_email, gift.buyer_name) == (None, "", "")
