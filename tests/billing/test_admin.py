"""The billing admin, as a superuser: money in rupees, and the books that are never deleted or edited."""

from __future__ import annotations

import pytest

from masthead.billing.models import Invoice, LedgerEntry, Subscription, WebhookEvent

PAISE = ("270000", "228814", "20593")  # Smart Essential's total, taxable value and half its GST


@pytest.fixture
def staff(make_user):
    return make_user("publisher", is_staff=True, is_superuser=True)


@pytest.fixture
def books(subscriber):
    sub = Subscription.objects.get(user=subscriber)
    return sub, LedgerEntry.objects.get(subscription=sub), Invoice.objects.get(subscription=sub)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_billing_admin_page_shows_rupees_not_paise(client, staff, books, sandbox,
                                                        django_capture_on_commit_callbacks):
    sub, entry, invoice = books
    _, body, signature = sandbox.store.webhooks()[-1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/billing/webhooks/sandbox/", body, content_type="application/json",
                    headers={"X-Sandbox-Signature": signature})
    webhook = WebhookEvent.objects.get()
    client.force_login(staff)
    pages = {
        "/admin/billing/invoice/": ("₹2,700.00", "₹2,288.14", "₹205.93"),
        f"/admin/billing/invoice/{invoice.pk}/change/": ("₹2,700.00", "₹2,288.14", "₹205.93"),
        "/admin/billing/ledgerentry/": ("₹2,700.00",),
        f"/admin/billing/ledgerentry/{entry.pk}/change/": ("₹2,700.00",),
        f"/admin/billing/subscription/{sub.pk}/change/": ("₹2,700.00",),
        "/admin/billing/plan/": ("₹900.00", "₹2,700.00", "₹3,900.00", "₹225/Month"),
        f"/admin/billing/webhookevent/{webhook.pk}/change/": ("payment succeeded", "₹2,700.00"),
    }
    for url, shown in pages.items():
        html = _page(client, url)
        for text in shown:
            assert text in html, (url, text)
        for raw in PAISE:
            assert raw not in html, (url, raw)


def test_large_amounts_use_indian_grouping(client, staff, essential, subscribe, make_user):
    essential.price = 12345678
    essential.save(update_fields=["price"])
    subscribe(make_user("big-spender"), essential)
    client.force_login(staff)
    assert "₹1,23,456.78" in _page(client, "/admin/billing/invoice/")


def test_the_plan_form_takes_rupees_and_stores_paise(client, staff, essential):
    client.force_login(staff)
    url = f"/admin/billing/plan/{essential.pk}/change/"
    assert 'value="2700.00"' in _page(client, url)
    form = {"name": "Smart Essential", "code": "smart-essential", "price": "₹3,900.50", "currency": "INR",
            "term_months": "12", "benefits": essential.benefits, "highlight": "", "display_order": "1",
            "is_visible": "on", "is_active": "on"}
    assert client.post(url, form).status_code == 302
    essential.refresh_from_db()
    assert essential.price == 390050


@pytest.mark.parametrize(("typed", "error"), [
    ("abc", "Enter an amount in rupees, such as 2700 or 2,700.00."),
    ("12.345", "Rupees take at most two decimal places (paise)."),
    ("0", "Enter an amount in rupees greater than zero."),
    ("-900", "Enter an amount in rupees greater than zero."),
    ("NaN", "Enter an amount in rupees greater than zero."),
    ("99999999", "That is more than ₹1,00,00,000; check the amount."),
])
def test_the_plan_form_refuses_amounts_that_are_not_rupees(client, staff, essential, typed, error):
    client.force_login(staff)
    form = {"name": "Smart Essential", "code": "smart-essential", "price": typed, "currency": "INR",
            "term_months": "12", "display_order": "1", "is_visible": "on", "is_active": "on"}
    response = client.post(f"/admin/billing/plan/{essential.pk}/change/", form)
    assert response.status_code == 200
    assert error in response.content.decode()
    essential.refresh_from_db()
    assert essential.price == 270000


@pytest.mark.parametrize("model", ["invoice", "subscription", "ledgerentry"])
def test_a_superuser_cannot_delete_or_edit_the_books_from_the_admin(client, staff, books, model):
    sub, entry, invoice = books
    pk = {"invoice": invoice.pk, "subscription": sub.pk, "ledgerentry": entry.pk}[model]
    client.force_login(staff)
    changelist = _page(client, f"/admin/billing/{model}/")
    assert "delete_selected" not in changelist
    assert client.get(f"/admin/billing/{model}/{pk}/delete/").status_code == 403
    assert client.post(f"/admin/billing/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/billing/{model}/", {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    change = _page(client, f"/admin/billing/{model}/{pk}/change/")
    assert 'name="_save"' not in change and "Delete" not in change.split("<main")[-1]
    client.post(f"/admin/billing/{model}/{pk}/change/", {"buyer_email": "changed@example.in", "state": "expired"})
    assert (Invoice.objects.count(), Subscription.objects.count(), LedgerEntry.objects.count()) == (1, 1, 1)
    assert Invoice.objects.get().buyer_email == "subscriber@example.in"
    assert Subscription.objects.get().state == "active"


def test_the_models_refuse_deletion_and_invoice_edits(books):
    sub, entry, invoice = books
    with pytest.raises(ValueError, match="never deleted"):
        invoice.delete()
    with pytest.raises(ValueError, match="never deleted"):
        Invoice.objects.all().delete()
    invoice.buyer_name = "Someone else"
    with pytest.raises(ValueError, match="never changed"):
        invoice.save()
    with pytest.raises(ValueError, match="cancel or refund"):
        sub.delete()
    with pytest.raises(ValueError, match="never deleted"):
        Subscription.objects.filter(pk=sub.pk).delete()
    with pytest.raises(ValueError, match="never deleted"):
        LedgerEntry.objects.all().delete()
    assert (Invoice.objects.get().buyer_name, Subscription.objects.count(), LedgerEntry.objects.count()) == (
        "Vikram Iyer", 1, 1)


@pytest.mark.parametrize(("model", "action", "expected"), [
    ("invoice", "export_invoices", [
        "number,date,buyer,e-mail,buyer GSTIN,place of supply,taxable value,CGST,SGST,IGST,total",
        ",Vikram Iyer,subscriber@example.in,,,\"₹2,288.14\",₹205.93,₹205.93,₹0.00,\"₹2,700.00\""]),
    ("ledgerentry", "export_ledger", [
        "date,kind,amount,subscription,plan,gateway,payment reference,reason",
        ",charge,\"₹2,700.00\","]),
])
def test_exports_give_amounts_in_rupees(client, staff, books, model, action, expected):
    client.force_login(staff)
    pk = {"invoice": books[2].pk, "ledgerentry": books[1].pk}[model]
    response = client.post(f"/admin/billing/{model}/", {"action": action, "_selected_action": [pk]})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = response.content.decode("utf-8-sig").splitlines()
    assert header == expected[0]
    assert expected[1] in row
    for raw in PAISE:
        assert raw not in row
