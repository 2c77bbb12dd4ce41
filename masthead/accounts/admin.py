"""Admin for devices, complimentary and group access, ad slots and the partner code pool."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.urls import path, reverse

from masthead.access.forms import BenefitsField
from masthead.accounts import ads, devices, groups, partner
from masthead.accounts.models import (
    AdSlot,
    ComplimentaryGrant,
    Device,
    Organisation,
    OrganisationMember,
    PartnerCode,
)


class GrantForm(forms.ModelForm):
    benefits = BenefitsField()

    class Meta:
        model = ComplimentaryGrant
        fields = "__all__"


class OrganisationForm(forms.ModelForm):
    benefits = BenefitsField()

    class Meta:
        model = Organisation
        fields = "__all__"


@admin.register(ComplimentaryGrant)
class ComplimentaryGrantAdmin(admin.ModelAdmin):
    form = GrantForm
    list_display = ["user", "reason", "all_benefits", "starts_at", "ends_at", "granted_by"]
    list_filter = ["reason", "all_benefits"]
    search_fields = ["user__email", "note"]
    autocomplete_fields = ["user"]
    exclude = ["granted_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class MemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    fields = ["email", "status", "joined_at", "note"]
    readonly_fields = ["email", "status", "joined_at", "note"]
    can_delete = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "seats", "refused", "starts_at", "ends_at", "is_active"]
    search_fields = ["name", "email_domains"]
    inlines = [MemberInline]

    @admin.display(description="Seats used")
    def seats(self, obj):
        taken = groups.seats_taken(obj.pk)
        return f"{taken} / {obj.seat_limit}" if obj.seat_limit is not None else f"{taken} (no limit)"

    @admin.display(description="Refused")
    def refused(self, obj):
        return obj.members.filter(status=OrganisationMember.Status.REFUSED).count()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        org = self.get_object(request, object_id)
        if org is not None:
            refused = org.members.filter(status=OrganisationMember.Status.REFUSED).count()
            if refused:
                messages.warning(
                    request,
                    f"{refused} reader{'s were' if refused != 1 else ' was'} refused: all {org.seat_limit} seats "
                    "are taken. Raise the seat limit or remove members to let them in.",
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "location", "first_seen", "last_seen"]
    list_filter = ["kind"]
    search_fields = ["user__email", "name"]
    readonly_fields = ["user", "kind", "session_key", "name", "user_agent", "location", "first_seen", "last_seen"]
    actions = ["sign_out"]

    @admin.action(description="Sign out the selected devices")
    def sign_out(self, request, queryset):
        count = 0
        for device in queryset:
            devices.sign_out(device)
            count += 1
        messages.success(request, f"Signed out {count} device(s).")

    def has_add_permission(self, request):
        return False


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin):
    """Ad markup is edited only with its own permission and never rendered in the admin.

    Staff without "Can edit the HTML of ad slots" may resize a slot or switch it off and
    see its markup as escaped source; nobody's admin page runs it. The preview is a
    sandboxed frame with no scripts, no same-origin access and nothing but the markup.
    """

    list_display = ["name", "width", "height", "is_active"]
    fields = ["name", "markup", "width", "height", "is_active", "source", "preview"]

    MARKUP_PERMISSION = "accounts.edit_ad_markup"

    readonly_fields = ["source", "preview"]

    def get_fields(self, request, obj=None):
        fields = [f for f in self.fields if f != "markup" or request.user.has_perm(self.MARKUP_PERMISSION)]
        return fields if obj is not None else [f for f in fields if f not in ("source", "preview")]

    @admin.display(description="Markup as stored")
    def source(self, obj):
        return format_html('<pre style="white-space:pre-wrap;max-width:60rem">{}</pre>', obj.markup)

    @admin.display(description="Preview")
    def preview(self, obj):
        return format_html(
            '<iframe sandbox="" srcdoc="{}" width="{}" height="{}" title="Preview of the ad" '
            'style="border:1px dashed #999;max-width:100%"></iframe>',
            obj.markup,
            obj.width,
            obj.height,
        )

    def save_model(self, request, obj, form, change):
        typed = form.cleaned_data.get("markup")
        super().save_model(request, obj, form, change)
        removed = ads.removed_parts(typed, obj.markup) if typed else []
        if removed:
            messages.warning(
                request,
                "Removed from the markup: " + ", ".join(removed) + ". Ads may use links, images, boxes "
                "and iframes from the configured ad hosts (MASTHEAD_AD_HOSTS), nothing else.",
            )


class PartnerCodeUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV with columns partner, code, expires_on (YYYY-MM-DD); a header row is optional.")


@admin.register(PartnerCode)
class PartnerCodeAdmin(admin.ModelAdmin):
    list_display = ["partner", "code", "expires_on", "claimed_by", "claimed_at"]
    list_filter = ["partner", ("claimed_by", admin.EmptyFieldListFilter)]
    search_fields = ["code", "claimed_by__email"]
    readonly_fields = ["claimed_by", "claimed_at", "uploaded_at"]
    change_list_template = "admin/accounts/partnercode/change_list.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="accounts_partnercode_upload"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        levels = partner.pool_levels()
        for level in levels:
            if level.low:
                messages.warning(
                    request,
                    f"The {level.partner} pool is running low: {level.available} unclaimed code(s) left. "
                    "Upload more codes.",
                )
        extra_context = {**(extra_context or {}), "pool_levels": levels}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        report = None
        if request.method == "POST":
            form = PartnerCodeUploadForm(request.POST, request.FILES)
            if form.is_valid():
                report = partner.import_csv(form.cleaned_data["file"].read())
                if report.imported:
                    messages.success(request, f"Imported {report.imported} code(s).")
                if report.errors:
                    messages.warning(request, f"{len(report.errors)} row(s) were not imported; see below.")
                if not report.errors:
                    return redirect(reverse("admin:accounts_partnercode_changelist"))
        else:
            form = PartnerCodeUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Upload partner codes",
            "form": form,
            "report": report,
        }
        return render(request, "admin/accounts/partnercode/upload.html", context)
