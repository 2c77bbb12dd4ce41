"""The revenue desk in the admin: a link to the dashboard, experiments and report recipients.

All of it needs the analytics permission (view_revenue_desk) on top of the model's own.
"""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from masthead.analytics import experiments
from masthead.analytics.models import Experiment, FunnelDay, ReportRecipient, Variant
from masthead.core import clock

VIEW = "analytics.view_revenue_desk"


class DeskPermissionMixin:
    def has_module_permission(self, request):
        return request.user.has_perm(VIEW) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(VIEW) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.has_perm(VIEW) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(VIEW) and super().has_delete_permission(request, obj)


@admin.register(FunnelDay)
class DeskLinkAdmin(DeskPermissionMixin, admin.ModelAdmin):
    """Shows 'Revenue desk' on the admin index; the list is the dashboard itself."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return redirect("analytics:desk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


FunnelDay._meta.verbose_name_plural = "Revenue desk (funnel, MRR, churn, cohorts)"


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 2
    fields = ("name", "slug", "is_control", "weight", "free_limit", "registration_wall", "headline", "plan_order",
              "highlight_plan", "highlight_text")
    prepopulated_fields = {"slug": ("name",)}

    def _locked(self, obj):
        return obj is not None and obj.status != Experiment.Status.DRAFT

    def get_readonly_fields(self, request, obj=None):
        # Changing an arm while readers are assigned would move them between arms.
        return self.fields if self._locked(obj) else ()

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Experiment)
class ExperimentAdmin(DeskPermissionMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "status", "holdout_percent", "planned_readers", "results")
    list_filter = ("status", "kind")
    inlines = [VariantInline]
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "kind", "holdout_percent", "baseline_rate", "minimum_effect", "planned_readers",
              "status", "started_at", "stopped_at", "promoted")
    readonly_fields = ("planned_readers", "status", "started_at", "stopped_at", "promoted")

    def get_readonly_fields(self, request, obj=None):
        fixed = self.readonly_fields
        if obj is not None and obj.status != Experiment.Status.DRAFT:
            return fixed + ("name", "slug", "kind", "holdout_percent", "baseline_rate", "minimum_effect")
        return fixed

    @admin.display(description="Results")
    def results(self, obj):
        return format_html('<a href="{}">Results</a>', reverse("analytics:experiment", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = clock.now()
        try:
            obj.planned_readers = experiments.plan(obj)
        except ValueError as error:
            self.message_user(request, str(error), level="error")
        super().save_model(request, obj, form, change)
        self.message_user(request, f"Planned sample: {obj.planned_readers:,} readers in each variant before a "
                                   "winner can be called.")

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("analytics:experiment", pk=obj.pk)

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        return redirect("analytics:experiment", pk=obj.pk)


@admin.register(ReportRecipient)
class ReportRecipientAdmin(DeskPermissionMixin, admin.ModelAdmin):
    list_display = ("user", "added_at")
    raw_id_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
