"""The ePaper in the admin: staff upload the day's PDF, watch it process, read why one failed,
process it again, publish or withdraw it. Every change goes through epaper.actions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.epaper import actions
from masthead.epaper.models import Clip, Edition


class EditionForm(forms.ModelForm):
    pdf = forms.FileField(
        label="PDF", required=False,
        help_text="The whole edition as one PDF, pages in order. Uploading again replaces the pages.")

    class Meta:
        model = Edition
        fields = ["date", "name", "publish_when_ready"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["pdf"].required = True
            self.fields["date"].initial = lambda: current_publication().local(clock.now()).date()

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload is not None and not upload.name.lower().endswith(".pdf") and upload.content_type != "application/pdf":
            raise forms.ValidationError("Upload the edition as a PDF file.")
        return upload


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionForm
    list_display = ["date", "name", "state_shown", "progress", "failure_reason"]
    list_filter = ["state", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]
    readonly_fields = ["state_shown", "progress", "failure_reason", "page_count", "original_size",
                       "processed_at", "published_at"]
    actions = ["process_again", "publish", "unpublish"]

    @admin.display(description="state", ordering="state")
    def state_shown(self, edition):
        if edition.state == Edition.State.FAILED:
            return format_html('<strong style="color:#ba2121">{}</strong>', edition.get_state_display())
        return edition.get_state_display()

    @admin.display(description="progress")
    def progress(self, edition):
        if edition.state == Edition.State.PROCESSING:
            if not edition.page_count:
                return "Waiting for the worker"
            return f"{edition.pages_done} of {edition.page_count} pages (reload to follow)"
        if edition.state == Edition.State.FAILED:
            return "Stopped: see the reason"
        return f"{edition.page_count} pages"

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("pdf")
        if upload is None:
            if change:
                obj.save(update_fields=["date", "name", "publish_when_ready"])
            return
        received = actions.receive_edition(date=form.cleaned_data["date"], name=form.cleaned_data["name"],
                                           data=upload.read(), publish_when_ready=form.cleaned_data["publish_when_ready"])
        obj.pk = received.pk
        obj.refresh_from_db()
        if obj.state == Edition.State.FAILED:
            messages.error(request, f"{obj}: {obj.failure_reason}")
        elif obj.state == Edition.State.PROCESSING:
            messages.info(request, f"{obj} is being processed: this page shows its progress.")

    @admin.action(description="Process the selected editions again")
    def process_again(self, request, queryset):
        done = 0
        for edition in queryset:
            try:
                actions.reprocess(edition)
                done += 1
            except ValueError as error:
                messages.error(request, f"{edition}: {error}")
        if done:
            messages.success(request, f"{done} edition(s) queued for processing.")

    @admin.action(description="Publish the selected editions")
    def publish(self, request, queryset):
        for edition in queryset:
            try:
                actions.publish(edition)
            except ValueError as error:
                messages.error(request, f"{edition}: {error}")

    @admin.action(description="Withdraw the selected editions from readers")
    def unpublish(self, request, queryset):
        for edition in queryset:
            actions.unpublish(edition)


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    """Clips readers shared: staff may look, and revoke one (never edit it)."""

    list_display = ["page", "user", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["page__edition", "user"]
    readonly_fields = ["page", "user", "left", "top", "width", "height", "created_at", "expires_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected clips")
    def revoke(self, request, queryset):
        for clip in queryset.filter(revoked_at__isnull=True):
            actions.withdraw_clip(clip)
