"""Gift subscriptions in the admin: to inspect, and to refund before redemption (billing.gifts)."""

from __future__ import annotations

from django.contrib import admin, messages

from masthead.billing import gifts
from masthead.billing.admin import KeptAdmin, LedgerInline, _money_column
from masthead.billing.gateways.base import GatewayError
from masthead.billing.models import Gift


@admin.register(Gift)
class GiftAdmin(KeptAdmin):
    list_display = ("reference", "created_at", "plan", "months", "amount_shown", "buyer_email", "recipient_email",
                    "deliver_on", "state", "redeemed_by")
    list_filter = ("state", "plan", "months")
    search_fields = ("reference", "buyer_email", "recipient_email", "payment_ref")
    readonly_fields = [f"{f.name}_shown" if f.name == "amount" else f.name for f in Gift._meta.fields if f.name != "id"]
    fields = readonly_fields
    amount_shown = _money_column("amount", "amount")
    inlines = [LedgerInline]
    actions = ["refund_before_redemption"]

    @admin.action(description="Refund (only gifts not yet redeemed; the link stops working)")
    def refund_before_redemption(self, request, queryset):
        done = 0
        for gift in queryset:
            try:
                gifts.refund(gift)
                done += 1
            except (gifts.GiftRefused, GatewayError) as exc:
                messages.error(request, f"{gift.reference}: {exc}")
        if done:
            messages.success(request, f"{done} gift(s) refunded.")
