"""GST invoices: tax broken out in paise, consecutive numbers per financial year, HTML and PDF."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pypdfium2 as pdfium
import pytest

from masthead.billing.invoices import break_out_gst, format_number, next_number
from masthead.billing.models import Invoice
from masthead.billing.periods import financial_year
from masthead.core import clock

IST = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(("price", "taxable", "cgst", "sgst"), [
    (90000, 76271, 6864, 6865),
    (270000, 228814, 20593, 20593),
    (390000, 330508, 29746, 29746),
    (118, 100, 9, 9),
    (1, 1, 0, 0),
])
def test_gst_is_broken_out_of_the_inclusive_price_in_whole_paise(price, taxable, cgst, sgst):
    gst = break_out_gst(price, 18)
    assert (gst.taxable, gst.cgst, gst.sgst, gst.igst) == (taxable, cgst, sgst, 0)
    assert gst.taxable + gst.tax == price


def test_igst_when_the_supply_is_inter_state():
    gst = break_out_gst(270000, 18, inter_state=True)
    assert (gst.taxable, gst.cgst, gst.sgst, gst.igst) == (228814, 0, 0, 41186)


@pytest.mark.parametrize(("moment", "year"), [
    (dt.datetime(2027, 3, 31, 23, 59, tzinfo=IST), "2026-27"),
    (dt.datetime(2027, 4, 1, 0, 0, tzinfo=IST), "2027-28"),
    (dt.datetime(2027, 3, 31, 19, 0, tzinfo=dt.timezone.utc), "2027-28"),  # 00:30 on 1 April in India
])
def test_the_financial_year_runs_april_to_march_in_the_publication_zone(moment, year):
    assert financial_year(moment, IST) == year


def test_numbers_are_consecutive_within_a_year_and_restart_in_the_next(db):
    assert [next_number("2026-27") for _ in range(3)] == [1, 2, 3]
    assert next_number("2027-28") == 1
    assert format_number("2026-27", 42) == "MH/26-27/00042"
    assert format_number("2026-27", 100_000) == "MH/26-27/100000"  # past five digits: longer, never cut
    assert format_number("2026-27", 9_999_999) == "MH/26-27/9999999"
    with pytest.raises(ValueError, match="longer than GST's 16 characters"):
        format_number("2026-27", 10_000_000)


def test_each_payment_gets_an_invoice_with_the_publishers_details(make_user, essential, subscribe):
    with clock.travel(dt.datetime(2027, 3, 31, 18, 0, tzinfo=dt.timezone.utc)):  # 23:30 IST, 31 March
        subscribe(make_user("march"), essential)
    with clock.travel(dt.datetime(2027, 3, 31, 18, 45, tzinfo=dt.timezone.utc)):  # 00:15 IST, 1 April
        subscribe(make_user("april"), essential)
        subscribe(make_user("april2"), essential)
    assert list(Invoice.objects.order_by("pk").values_list("number", flat=True)) == [
        "MH/26-27/00001", "MH/27-28/00001", "MH/27-28/00002"]
    invoice = Invoice.objects.order_by("pk").first()
    assert (invoice.seller_name, invoice.seller_gstin) == ("Masthead Media Private Limited", "27AABCM1234F1Z5")
    assert (invoice.total, invoice.taxable_value, invoice.cgst, invoice.sgst) == (270000, 228814, 20593, 20593)


def test_the_reader_sees_the_invoice_as_html_and_downloads_the_pdf(client, subscriber):
    invoice = Invoice.objects.get(user=subscriber)
    client.force_login(subscriber)
    html = client.get(f"/accounts/invoices/{invoice.pk}/").content.decode()
    for text in (invoice.number, "GSTIN 27AABCM1234F1Z5", "Taxable value", "₹2,288.14", "CGST 9%", "₹205.93",
                 "Total (GST included)", "₹2,700.00", "12 Press Lane"):
        assert text in html, text
    response = client.get(f"/accounts/invoices/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    text = pdf[0].get_textpage().get_text_range()
    for line in ("Tax Invoice", f"Invoice number: {invoice.number}", "GSTIN: 27AABCM1234F1Z5",
                 "Taxable value: Rs. 2,288.14", "CGST 9%: Rs. 205.93", "SGST 9%: Rs. 205.93",
                 "Total (GST included): Rs. 2,700.00", "Masthead Media Private Limited", "Mumbai 400001"):
        assert line in text, line


def test_another_reader_cannot_open_someone_elses_invoice(client, subscriber, reader):
    invoice = Invoice.objects.get(user=subscriber)
    client.force_login(reader)
    assert client.get(f"/accounts/invoices/{invoice.pk}/").status_code == 404
    assert client.get(f"/accounts/invoices/{invoice.pk}/pdf/").status_code == 404
