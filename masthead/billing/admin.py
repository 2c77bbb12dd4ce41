"""Billing in the admin: plans to edit; subscriptions, the ledger, webhooks and invoices to inspect.

Staff change subscriptions only through billing.actions (the refund actions below),
never by editing fields: the ledger and the state machine must agree. Subscriptions,
ledger entries and tax invoices are never deleted or edited here (a credit note
corrects an invoice). Money is shown in rupees the publication's way (₹2,700.00) and
a plan's price is typed in rupees; both are stored in paise.
"""

from __future__ import annotations

import csv
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.html import format_html_join

from masthead.access.forms import BenefitsField
from masthead.billing import actions, webhooks
from masthead.billing.models import Invoice, LedgerEntry, Plan, Subscription, WebhookEvent
from masthead.billing.offer import offer_for
from masthead.core.money import MINOR_UNITS, format_money


def shown_money(amount: int | None, currency: str = "INR") -> str:
    """An amount in paise as staff read it: '₹2,700.00', grouped the publication's way."""
    if amount is None:
        return "—"
    from masthead.content.publication import current_publication

    return format_money(amount, currency, locale=current_publication().babel_locale, whole=False)


def _money_column(field: str, description: str):
    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return shown_money(getattr(obj, field), obj.currency)
    column.__name__ = f"{field}_shown"
    return column


def csv_export(filename: str, columns: list[tuple[str, object]], description: str, *, related: tuple[str, ...] = ()):
    """An admin action writing the selected rows as CSV; amounts in rupees as shown everywhere else.

    `columns` are (header, attribute name or function of the row); `related` are the
    relations the columns read, loaded with the rows rather than one query a row."""
    @admin.action(description=description)
    def export(modeladmin, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # spreadsheets read the ₹ sign right with a byte-order mark
        writer = csv.writer(response)
        writer.writerow([header for header, _ in columns])
        for row in queryset.select_related(*related) if related else queryset:
            writer.writerow([value(row) if callable(value) else getattr(row, value) for _, value in columns])
        return response
    export.__name__ = f"export_{filename.split('.')[0]}"
    return export


def _in_rupees(field: str):
    return lambda row: shown_money(getattr(row, field), row.currency)


class RupeesField(forms.CharField):
    """A price typed in rupees ('2700', '2,700.00', '₹2,700') and cleaned to paise (270000)."""

    def __init__(self, *args, currency: str = "INR", **kwargs):
        self.unit = MINOR_UNITS.get(currency, 100)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            major = Decimal(value) / self.unit
            return f"{major:.2f}"
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("₹", "").replace(",", "").replace(" ", "")
        if not text:
            return None
        try:
            major = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Enter an amount in rupees, such as 2700 or 2,700.00.")
        if not major.is_finite() or major <= 0:
            raise forms.ValidationError("Enter an amount in rupees greater than zero.")
        if major != major.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
            raise forms.ValidationError("Rupees take at most two decimal places (paise).")
        if major >= Decimal(10) ** 7:
            raise forms.ValidationError("That is more than ₹1,00,00,000; check the amount.")
        return int(major * self.unit)


class PlanForm(forms.ModelForm):
    price = RupeesField(label="Price (₹, GST included)",
                        help_text="In rupees, as readers see it: 2,700 for Smart Essential. Stored in paise.")
    benefits = BenefitsField(
        sellable_only=True,
        help_text="What a subscription to this plan opens; the paywall and /subscribe list them.",
    )

    class Meta:
        model = Plan
        fields = "__all__"


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ("name", "code", "shown_price", "shown_term", "shown_per_month", "display_order", "is_visible", "is_active")
    list_editable = ("display_order", "is_visible", "is_active")
    list_filter = ("is_visible", "is_active")
    ordering = ("display_order", "price")
    prepopulated_fields = {"code": ("name",)}
    readonly_fields = ("gateway_refs",)
    fields = ("name", "code", "price", "currency", "term_months", "benefits", "highlight", "display_order",
              "is_visible", "is_active", "gateway_refs")

    @admin.display(description="price", ordering="price")
    def shown_price(self, plan):
        return shown_money(plan.price, plan.currency)

    @admin.display(description="term")
    def shown_term(self, plan):
        return offer_for(plan).term

    @admin.display(description="per month")
    def shown_per_month(self, plan):
        return offer_for(plan).per_month


class ViewOnly:
    """Staff may look, never add, edit or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KeptAdmin(ViewOnly, admin.ModelAdmin):
    """Rows the books keep (subscriptions, ledger entries, invoices); without the delete
    permission Django offers no delete action either."""


class LedgerInline(ViewOnly, admin.TabularInline):
    model = LedgerEntry
    extra = 0
    fields = ("created_at", "kind", "amount_shown", "gateway_payment_ref", "reason")
    readonly_fields = fields
    amount_shown = _money_column("amount", "amount")


def _refund_last(request, queryset, *, end_access: bool):
    done = 0
    for sub in queryset:
        charge = sub.ledger.filter(kind=LedgerEntry.Kind.CHARGE).order_by("-created_at").first()
        if charge is None:
            messages.warning(request, f"{sub.reference}: nothing has been paid.")
            continue
        try:
            actions.refund(charge, end_access=end_access)
            done += 1
        except Exception as exc:  # shown to staff, one line per subscription
            messages.error(request, f"{sub.reference}: {exc}")
    if done:
        messages.success(request, f"Refunded {done} payment(s).")


@admin.register(Subscription)
class SubscriptionAdmin(KeptAdmin):
    list_display = ("reference", "user", "plan", "state", "gateway", "current_period_end", "access_until")
    list_filter = ("state", "gateway", "plan")
    search_fields = ("reference", "gateway_ref", "user__email", "user__username")
    readonly_fields = [f.name for f in Subscription._meta.fields]
    inlines = [LedgerInline]
    actions = ["refund_end_access", "refund_keep_access", "cancel_at_period_end"]

    def get_urls(self):
        from masthead.billing.offer_admin import subscriber_urls

        return subscriber_urls(self) + super().get_urls()

    @admin.action(description="Refund the last payment in full and end access")
    def refund_end_access(self, request, queryset):
        _refund_last(request, queryset, end_access=True)

    @admin.action(description="Refund the last payment in full but keep access")
    def refund_keep_access(self, request, queryset):
        _refund_last(request, queryset, end_access=False)

    @admin.action(description="Cancel at period end")
    def cancel_at_period_end(self, request, queryset):
        for sub in queryset:
            try:
                actions.cancel_subscription(sub)
            except actions.BillingError as exc:
                messages.error(request, f"{sub.reference}: {exc}")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(KeptAdmin):
    list_display = ("created_at", "kind", "amount_shown", "subscription", "gift", "gateway", "gateway_payment_ref")
    list_filter = ("kind", "gateway")
    search_fields = ("idempotency_key", "gateway_payment_ref", "subscription__reference")
    fields = ("created_at", "kind", "amount_shown", "subscription", "gift", "plan", "gateway", "gateway_payment_ref",
              "gateway_refund_ref", "idempotency_key", "period_start", "period_end", "reason")
    readonly_fields = fields
    amount_shown = _money_column("amount", "amount")
    actions = [csv_export("ledger.csv", [
        ("date", lambda e: e.created_at.isoformat()), ("kind", "kind"), ("amount", _in_rupees("amount")),
        ("subscription", lambda e: e.subscription.reference if e.subscription_id else e.gift.reference),
        ("plan", lambda e: e.plan.name),
        ("gateway", "gateway"), ("payment reference", "gateway_payment_ref"), ("reason", "reason"),
    ], "Export selected entries as CSV (amounts in rupees)", related=("subscription", "gift", "plan"))]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "gateway", "event_type", "event_id", "status", "attempts")
    list_filter = ("gateway", "status")
    search_fields = ("event_id",)
    readonly_fields = [*(f.name for f in WebhookEvent._meta.fields if f.name not in ("body", "events")),
                       "shown_events"]
    exclude = ("body", "events")
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="events")
    def shown_events(self, row):
        """The verified events, one line each, with their amounts in rupees."""
        lines = []
        for event in row.events:
            amount = shown_money(event["amount"], event["currency"] or "INR") if event.get("amount") else ""
            lines.append((event["kind"].replace("_", " "), event.get("subscription_ref") or event.get("gateway_ref"),
                          amount, event.get("payment_ref", "")))
        return format_html_join("", "<p>{}: {} {} ({})</p>", lines) or "—"

    @admin.action(description="Process again (safe: every step is idempotent)")
    def process_again(self, request, queryset):
        for row in queryset.exclude(status__in=[WebhookEvent.Status.REJECTED, WebhookEvent.Status.DUPLICATE]):
            webhooks.replay(row.pk)


_INVOICE_AMOUNTS = ("total", "taxable_value", "cgst", "sgst", "igst")


@admin.register(Invoice)
class InvoiceAdmin(KeptAdmin):
    list_display = ("number", "issued_at", "buyer_email", "total_shown", "taxable_value_shown", "cgst_shown",
                    "sgst_shown", "igst_shown")
    search_fields = ("number", "buyer_email")
    list_filter = ("financial_year",)
    readonly_fields = [f"{f.name}_shown" if f.name in _INVOICE_AMOUNTS else f.name for f in Invoice._meta.fields
                       if f.name != "id"]
    fields = readonly_fields
    total_shown = _money_column("total", "total")
    taxable_value_shown = _money_column("taxable_value", "taxable value")
    cgst_shown = _money_column("cgst", "CGST")
    sgst_shown = _money_column("sgst", "SGST")
    igst_shown = _money_column("igst", "IGST")
    actions = [csv_export("invoices.csv", [
        ("number", "number"), ("date", lambda i: i.issued_at.isoformat()), ("buyer", "buyer_name"),
        ("e-mail", "buyer_email"), ("buyer GSTIN", "buyer_gstin"), ("place of supply", "buyer_state"),
        ("taxable value", _in_rupees("taxable_value")), ("CGST", _in_rupees("cgst")), ("SGST", _in_rupees("sgst")),
        ("IGST", _in_rupees("igst")), ("total", _in_rupees("total")),
    ], "Export selected invoices as CSV (amounts in rupees)")]


# Offers, article gifts and the subscriber import pages (their own module: this one is long).
from masthead.billing import gift_admin, offer_admin  # noqa: E402,F401
