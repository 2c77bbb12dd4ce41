"""One date format on pages, in e-mails and on invoices; a cancelled plan never says it renews."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.core import mail

from masthead.billing import emails
from masthead.billing.models import Subscription
from masthead.core import clock, dates

# 01:30 on 2 December 2026 in Kolkata (still 1 December in UTC): the day is the publication's.
JUST_AFTER_MIDNIGHT_IST = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def cancelled(client, make_user, essential, subscribe, django_capture_on_commit_callbacks):
    with clock.travel(JUST_AFTER_MIDNIGHT_IST, frozen=True):
        user = make_user("lapsing")
        subscribe(user, essential)
        client.force_login(user)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post("/accounts/subscription/cancel/", follow=True).content.decode()
    return user, page


def test_the_cancelled_page_says_it_will_not_renew_and_nothing_else(cancelled):
    user, page = cancelled

    assert "<dt>Access until</dt><dd>2 December 2027 (will not renew)</dd>" in page
    assert "You keep access until 2 December 2027." in page
    assert "Renews automatically" not in page
    assert "Next renewal" not in page


def test_the_cancellation_email_and_page_write_the_date_the_same_way(cancelled):
    user, page = cancelled

    [message] = mail.outbox
    assert "You keep full access until 2 December 2027." in message.body
    assert "02 December" not in message.body and "02 December" not in page


def test_every_subscription_email_writes_dates_one_way(client, make_user, essential, subscribe,
                                                       django_capture_on_commit_callbacks):
    with clock.travel(JUST_AFTER_MIDNIGHT_IST, frozen=True):
        sub = subscribe(make_user("renewing"), essential)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for kind in ("notice", "resumed", "plan_change", "paid"):
                emails.send(kind, sub, amount="₹2,700")

    assert mail.outbox[0].subject == "Your Smart Essential subscription renews on 2 December 2027"
    for message in mail.outbox:
        assert "2 December 2027" in message.body, message.subject
        assert "02 December" not in message.subject + message.body


def test_the_invoice_names_its_period_and_date_in_the_same_format(client, make_user, essential, subscribe):
    with clock.travel(JUST_AFTER_MIDNIGHT_IST, frozen=True):
        user = make_user("buyer")
        sub = subscribe(user, essential)
        client.force_login(user)
        invoice = sub.invoices.get()
        page = client.get(f"/accounts/invoices/{invoice.pk}/").content.decode()
        pdf = client.get(f"/accounts/invoices/{invoice.pk}/pdf/").content
    pdf_text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()

    assert invoice.description == "Smart Essential subscription, 2 December 2026 to 2 December 2027"
    assert "<dt>Date</dt><dd>2 December 2026</dd>" in page
    assert "Date: 2 December 2026" in pdf_text
    assert "02 December" not in pdf_text


def test_the_date_helpers_on_odd_inputs():
    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert dates.long_date(None) == ""
    assert dates.long_date("") == ""
    assert dates.long_date(dt.date(2028, 2, 29)) == "29 February 2028"
    assert dates.long_date(JUST_AFTER_MIDNIGHT_IST, zone) == "2 December 2026"
    assert dates.long_date(JUST_AFTER_MIDNIGHT_IST, dt.timezone.utc) == "1 December 2026"
    assert dates.short_date(JUST_AFTER_MIDNIGHT_IST, zone) == "2 Dec 2026"
    assert dates.date_time(JUST_AFTER_MIDNIGHT_IST, zone) == "2 Dec 2026, 01:30"
    assert dates.date_time(dt.datetime(2026, 12, 2, 13, 5)) == "2 Dec 2026, 13:05"  # naive: as given
