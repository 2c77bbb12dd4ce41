"""Offers, article gifts and subscriber imports in the admin.

Offers are edited here (amounts typed in rupees, stored in paise); their redemption count
is kept by billing.redemptions and shown read-only. Subscribers are imported through the
same function as `masthead subscribers import`, with a dry run first, and exported in the
same columns.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from masthead.billing.discounts import price_line, terms_of, validate_terms
from masthead.billing.models import ArticleGift, Offer, Plan, Redemption
from masthead.billing.subscriber_import import ImportFileError, export_subscribers, import_subscribers


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Offer(**{k: v for k, v in data.items() if k != "plans"})
        plans = list(data.get("plans") or Plan.objects.all())
        lowest = min((p.price for p in plans), default=None)
        problems = validate_terms(terms_of(candidate), lowest_price=lowest)
        if problems:
            raise forms.ValidationError(problems)
        data["code"] = (data.get("code") or "").strip().upper()
        return data


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    form = OfferForm
    list_display = ("code", "name", "purpose", "shown_terms", "redemptions", "max_redemptions", "expires_at", "is_active")
    list_filter = ("purpose", "is_active", "kind")
    search_fields = ("code", "name")
    readonly_fields = ("redemptions", "shown_terms")
    filter_horizontal = ("plans",)
    fields = ("code", "name", "purpose", "kind", "percent_off", "amount_off", "periods", "trial_days", "trial_price",
              "plans", "expires_at", "max_redemptions", "redemptions", "once_per_reader", "new_subscribers_only",
              "is_active", "gateway_refs", "shown_terms")

    @admin.display(description="as readers see it (on a ₹900 quarter)")
    def shown_terms(self, offer):
        return price_line(90000, 3, terms_of(offer)) if offer.pk else "—"


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    list_display = ("offer", "user", "subscription", "created_at")
    list_filter = ("offer",)
    search_fields = ("offer__code", "user__email", "subscription__reference")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleGift)
class ArticleGiftAdmin(admin.ModelAdmin):
    list_display = ("headline", "sender", "created_at", "expires_at", "revoked_at", "opens")
    search_fields = ("headline", "sender__email", "article_url")
    readonly_fields = ("sender", "article_id", "article_url", "headline", "created_at", "expires_at", "opens")

    def has_add_permission(self, request):
        return False


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or JSON: email, name, plan, paid_through, provider, customer_id, "
                                     "subscription_id, state, source.")
    source = forms.CharField(required=False, max_length=60, help_text="The system they come from, e.g. Piano.")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run (check every row, write nothing)")


def import_view(model_admin, request):
    """Admin page: upload a file, see the report (per-row errors), then import for real."""
    if not model_admin.has_view_permission(request) or not request.user.is_superuser:
        return redirect("admin:index")
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = "json" if upload.name.lower().endswith(".json") else "csv"
        try:
            report = import_subscribers(upload.read(), fmt, dry_run=form.cleaned_data["dry_run"],
                                        source=form.cleaned_data["source"])
        except (ImportFileError, UnicodeDecodeError) as exc:
            messages.error(request, f"The file could not be read: {exc}")
        else:
            (messages.warning if report.errors else messages.success)(request, report.as_line())
    context = {**model_admin.admin_site.each_context(request), "title": "Import subscribers", "form": form,
               "report": report, "opts": model_admin.model._meta,
               "export_csv": reverse("admin:billing_subscription_export") + "?format=csv",
               "export_json": reverse("admin:billing_subscription_export") + "?format=json"}
    return TemplateResponse(request, "admin/billing/import_subscribers.html", context)


def export_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        return redirect("admin:index")
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    response = HttpResponse(export_subscribers(fmt),
                            content_type="application/json" if fmt == "json" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subscribers.{fmt}"'
    return response


def subscriber_urls(model_admin) -> list:
    """The import and export pages, added to the subscription admin's URLs."""
    wrap = model_admin.admin_site.admin_view
    return [
        path("import/", wrap(lambda request: import_view(model_admin, request)), name="billing_subscription_import"),
        path("export/", wrap(lambda request: export_view(model_admin, request)), name="billing_subscription_export"),
    ]
