"""Billing in the admin: plans to edit; subscriptions, the ledger and webhooks to inspect.

Staff change subscriptions only through billing.actions (the refund actions below),
never by editing fields: the ledger and the state machine must agree.
"""

from __future__ import annotations

from django.contrib import admin, messages

from masthead.billing import actions, webhooks
from masthead.billing.models import Invoice, LedgerEntry, Plan, Subscription, WebhookEvent
from masthead.billing.offer import offer_for


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "shown_price", "shown_term", "shown_per_month", "display_order", "is_visible", "is_active")
    list_editable = ("display_order", "is_visible", "is_active")
    list_filter = ("is_visible", "is_active")
    ordering = ("display_order", "price")
    prepopulated_fields = {"code": ("name",)}
    readonly_fields = ("gateway_refs",)
    fields = ("name", "code", "price", "currency", "term_months", "benefits", "highlight", "display_order",
              "is_visible", "is_active", "gateway_refs")

    @admin.display(description="price")
    def shown_price(self, plan):
        return offer_for(plan).price

    @admin.display(description="term")
    def shown_term(self, plan):
        return offer_for(plan).term

    @admin.display(description="per month")
    def shown_per_month(self, plan):
        return offer_for(plan).per_month


class LedgerInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "amount", "currency", "gateway_payment_ref", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("reference", "user", "plan", "state", "gateway", "current_period_end", "access_until")
    list_filter = ("state", "gateway", "plan")
    search_fields = ("reference", "gateway_ref", "user__email", "user__username")
    readonly_fields = [f.name for f in Subscription._meta.fields]
    inlines = [LedgerInline]
    actions = ["refund_end_access", "refund_keep_access", "cancel_at_period_end"]

    def has_add_permission(self, request):
        return False

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
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "amount", "currency", "subscription", "gateway", "gateway_payment_ref")
    list_filter = ("kind", "gateway")
    search_fields = ("idempotency_key", "gateway_payment_ref", "subscription__reference")
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "gateway", "event_type", "event_id", "status", "attempts")
    list_filter = ("gateway", "status")
    search_fields = ("event_id",)
    readonly_fields = [f.name for f in WebhookEvent._meta.fields if f.name != "body"]
    exclude = ("body",)
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Process again (safe: every step is idempotent)")
    def process_again(self, request, queryset):
        for row in queryset.exclude(status__in=[WebhookEvent.Status.REJECTED, WebhookEvent.Status.DUPLICATE]):
            webhooks.replay(row.pk)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "issued_at", "buyer_email", "total", "taxable_value", "cgst", "sgst", "igst")
    search_fields = ("number", "buyer_email")
    list_filter = ("financial_year",)
    readonly_fields = [f.name for f in Invoice._meta.fields]

    def has_add_permission(self, request):
        return False
