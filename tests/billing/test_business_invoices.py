"""Invoices for businesses: a validated GSTIN and state at checkout, IGST across states, shown on
the invoice page and in its PDF."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from masthead.billing.gst import BuyerTaxDetails, InvalidTaxDetails, gstin_check_character, normalise_gstin
from masthead.billing.models import Invoice, Subscription
from masthead.core import clock

KARNATAKA_GSTIN = "29AAGCB7383J1Z4"  # real, published GSTINs with correct check characters
MAHARASHTRA_GSTIN = "27AAPFU0939F1ZV"


@pytest.mark.parametrize("gstin", [KARNATAKA_GSTIN, MAHARASHTRA_GSTIN, "07AAACR5055K1Z9", "24AAACC1206D1ZM"])
def test_the_check_character_of_real_gstins(gstin):
    assert gstin_check_character(gstin[:14]) == gstin[14]


def test_a_gstin_is_accepted_as_people_type_it():
    assert normalise_gstin(" 29aagcb 7383-j1z4 ") == KARNATAKA_GSTIN
    assert normalise_gstin("") == ""


@pytest.mark.parametrize(("typed", "message"), [
    ("29AAGCB7383J1Z5", "last character does not match"),
    ("29AAGCB7383J1Z", "A GSTIN has 15 characters"),
    ("29AAGCB7383J1X4", "A GSTIN has 15 characters"),
    ("2QAAGCB7383J1Z4", "A GSTIN has 15 characters"),
    ("99AAGCB7383J1Z4", "99 is not an Indian state code"),
    ("29AAGCB7383J1Z4<script>", "A GSTIN has 15 characters"),
    ("२९AAGCB7383J1Z4", "A GSTIN has 15 characters"),
])
def test_a_wrong_gstin_is_refused_saying_why(typed, message):
    with pytest.raises(InvalidTaxDetails, match=message):
        normalise_gstin(typed)


def test_the_state_comes_from_the_gstin_and_must_agree_with_it():
    assert BuyerTaxDetails.from_form(KARNATAKA_GSTIN, "") == BuyerTaxDetails(KARNATAKA_GSTIN, "29")
    assert BuyerTaxDetails.from_form("", "33") == BuyerTaxDetails("", "33")
    with pytest.raises(InvalidTaxDetails, match="registered in Karnataka, not Tamil Nadu"):
        BuyerTaxDetails.from_form(KARNATAKA_GSTIN, "33")
    with pytest.raises(InvalidTaxDetails, match="Choose your state"):
        BuyerTaxDetails.from_form("", "XX")


def _buy(client, user, **tax):
    client.force_login(user)
    start = client.post("/checkout/", {"plan": "smart-essential", **tax})
    assert start.status_code == 302, start.content.decode()[:300]
    paid = client.post(start["Location"], {"card_number": "4242 4242 4242 4242"})
    client.get(paid["Location"])
    return Invoice.objects.get(user=user)


def test_a_business_in_another_state_is_charged_igst_and_named_on_the_invoice(client, reader, plans):
    invoice = _buy(client, reader, gstin=KARNATAKA_GSTIN, state="")
    assert (invoice.buyer_gstin, invoice.buyer_state, invoice.seller_state) == (KARNATAKA_GSTIN, "29", "27")
    assert (invoice.taxable_value, invoice.cgst, invoice.sgst, invoice.igst) == (228814, 0, 0, 41186)
    html = client.get(f"/accounts/invoices/{invoice.pk}/").content.decode()
    for text in (f"GSTIN {KARNATAKA_GSTIN}", "Place of supply", "29 Karnataka", "IGST 18%", "₹411.86"):
        assert text in html, text
    assert "CGST" not in html
    pdf = pdfium.PdfDocument(client.get(f"/accounts/invoices/{invoice.pk}/pdf/").content)
    text = pdf[0].get_textpage().get_text_range()
    for line in (f"GSTIN: {KARNATAKA_GSTIN}", "Place of supply: 29 Karnataka", "IGST 18%: Rs. 411.86"):
        assert line in text, line
    assert Subscription.objects.get(user=reader).buyer_gstin == KARNATAKA_GSTIN


def test_a_buyer_in_the_publications_state_pays_cgst_and_sgst(client, reader, plans):
    invoice = _buy(client, reader, gstin=MAHARASHTRA_GSTIN)
    assert (invoice.cgst, invoice.sgst, invoice.igst, invoice.buyer_state) == (20593, 20593, 0, "27")


def test_a_reader_who_names_only_a_state_gets_igst_outside_ours(client, reader, plans):
    invoice = _buy(client, reader, state="07")
    assert (invoice.buyer_gstin, invoice.buyer_state, invoice.igst) == ("", "07", 41186)
    assert "07 Delhi" in client.get(f"/accounts/invoices/{invoice.pk}/").content.decode()


def test_the_publishers_state_setting_wins_over_its_gstin(client, reader, plans, settings):
    settings.MASTHEAD_GST_STATE = "29"
    invoice = _buy(client, reader, gstin=KARNATAKA_GSTIN)
    assert (invoice.seller_state, invoice.cgst, invoice.sgst, invoice.igst) == ("29", 20593, 20593, 0)


def test_renewals_keep_the_buyers_gst_details(client, reader, plans):
    from masthead.billing import actions

    with clock.travel(dt.datetime(2026, 6, 1, 6, 30, tzinfo=dt.timezone.utc)):
        _buy(client, reader, gstin=KARNATAKA_GSTIN)
    sub = Subscription.objects.get(user=reader)
    actions.send_renewal_notice(sub.pk, now=sub.current_period_end - dt.timedelta(hours=30))
    assert actions.renew_subscription(sub.pk, now=sub.current_period_end) == "renewed"
    assert list(Invoice.objects.order_by("issued_at").values_list("number", "buyer_gstin", "igst")) == [
        ("MH/26-27/00001", KARNATAKA_GSTIN, 41186), ("MH/27-28/00001", KARNATAKA_GSTIN, 41186)]


def test_no_details_keeps_the_invoice_as_before(client, reader, plans):
    invoice = _buy(client, reader)
    assert (invoice.buyer_gstin, invoice.buyer_state, invoice.cgst, invoice.igst) == ("", "", 20593, 0)
    assert "Place of supply" not in client.get(f"/accounts/invoices/{invoice.pk}/").content.decode()


@pytest.mark.parametrize(("gstin", "state", "message"), [
    ("29AAGCB7383J1Z5", "", "That GSTIN&#x27;s last character does not match the rest"),
    (KARNATAKA_GSTIN, "33", "That GSTIN is registered in Karnataka, not Tamil Nadu."),
    ("", "99", "Choose your state from the list."),
])
def test_a_bad_gstin_at_checkout_is_shown_with_what_was_typed_and_starts_nothing(client, reader, plans, gstin,
                                                                                 state, message):
    client.force_login(reader)
    response = client.post("/checkout/", {"plan": "smart-essential", "gstin": gstin, "state": state})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{gstin}"' in html
    assert Subscription.objects.count() == 0


def test_the_checkout_page_offers_the_optional_gst_fields(client, reader, plans):
    client.force_login(reader)
    html = client.get("/checkout/", {"plan": "smart-essential"}).content.decode()
    assert 'name="gstin"' in html and '<option value="29">Karnataka</option>' in html
