"""Offers and subscriber imports in the admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from masthead.billing.models import Offer, Subscription
from masthead.core import clock
from tests.instants import ORDINARY_DAY

CSV = ("email,name,plan,paid_through,provider,customer_id,subscription_id\n"
       "meera@example.in,Meera Nair,smart-essential,2026-09-30,sandbox,tok_sbx_4242_a,\n"
       "bad,X,smart-essential,2026-09-30,sandbox,tok,\n")


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.in", "pw-not-used-1234")
    client.force_login(user)
    return user


def test_staff_make_an_offer_and_bad_terms_are_refused(client, staff, plans):
    response = client.post("/admin/billing/offer/add/", {
        "code": "half", "name": "Half", "purpose": "introductory", "kind": "percent", "percent_off": "150",
        "amount_off": "0", "periods": "1", "trial_days": "0", "trial_price": "0", "gateway_refs": "{}",
        "once_per_reader": "on", "new_subscribers_only": "on", "is_active": "on"})
    assert response.status_code == 200 and "A percent discount is between 1 and 100." in response.content.decode()
    response = client.post("/admin/billing/offer/add/", {
        "code": "half", "name": "Half", "purpose": "introductory", "kind": "percent", "percent_off": "50",
        "amount_off": "0", "periods": "1", "trial_days": "0", "trial_price": "0", "gateway_refs": "{}",
        "once_per_reader": "on", "new_subscribers_only": "on", "is_active": "on"})
    assert response.status_code == 302
    assert Offer.objects.get().code == "HALF"
    listing = client.get("/admin/billing/offer/").content.decode()
    assert "₹450 for the first 3 months, then ₹900 every 3 months" in listing


def test_staff_import_subscribers_with_a_dry_run_first(client, staff, plans):
    with clock.travel(ORDINARY_DAY, frozen=True):
        page = client.post("/admin/billing/subscription/import/", {
            "file": SimpleUploadedFile("subs.csv", CSV.encode()), "dry_run": "on"})
        html = page.content.decode()
        assert "Dry run: 2 rows: 1 would be imported" in html and "&#x27;bad&#x27; is not an e-mail address" in html
        assert Subscription.objects.count() == 0
        client.post("/admin/billing/subscription/import/", {"file": SimpleUploadedFile("subs.csv", CSV.encode())})
        assert Subscription.objects.count() == 1
        exported = client.get("/admin/billing/subscription/export/?format=csv").content.decode()
    assert "meera@example.in,Meera Nair,smart-essential" in exported
