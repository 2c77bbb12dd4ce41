"""Wire in the admin: sources (with their subject mappings and an upload page), the stories
they sent, revisions waiting for an editor, and the quarantine."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from masthead.content.models import Source
from masthead.wire import actions
from masthead.wire.models import DEFAULT_DISCLAIMER, Quarantined, Revision, SubjectMapping, WireSource, WireStory


class WireSourceForm(forms.ModelForm):
    name = forms.CharField(max_length=120, help_text="The agency, as readers see it (e.g. AFP).")
    disclaimer = forms.CharField(
        max_length=300, required=False, initial=DEFAULT_DISCLAIMER, widget=forms.TextInput(attrs={"size": 90}),
        help_text="Shown under every story from this source, on its page, in the API and in feeds; "
        "{publication} is replaced by the publication's name. Empty: no line.",
    )

    class Meta:
        model = WireSource
        fields = ("format", "transport", "location", "default_section", "default_tags", "default_access",
                  "auto_publish", "byline_rule", "credit", "poll_minutes", "enabled")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].initial = self.instance.source.name
            self.fields["disclaimer"].initial = self.instance.source.disclaimer

    def clean(self):
        data = super().clean()
        transport, location = data.get("transport"), (data.get("location") or "").strip()
        if transport == WireSource.Transport.HTTP and not location.startswith(("http://", "https://")):
            self.add_error("location", "HTTP polling needs the feed's http:// or https:// address.")
        if transport == WireSource.Transport.FOLDER and not location:
            self.add_error("location", "A watched folder needs its path.")
        name = data.get("name")
        taken = Source.objects.filter(name__iexact=name or "")
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.source_id)
        if name and taken.filter(wire__isnull=False).exists():
            self.add_error("name", "Another wire source has this name.")
        return data


class SubjectMappingInline(admin.TabularInline):
    model = SubjectMapping
    extra = 1
    fields = ("subject", "section", "tags", "order")
    autocomplete_fields = ("tags",)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(help_text="ninjs (.json), NewsML-G2 or NITF (.xml), RSS or Atom files.")


@admin.register(WireSource)
class WireSourceAdmin(admin.ModelAdmin):
    form = WireSourceForm
    inlines = [SubjectMappingInline]
    list_display = ("__str__", "transport", "format", "auto_publish", "enabled", "last_polled_at", "failures",
                    "last_error", "upload_link")
    list_filter = ("transport", "enabled", "auto_publish")
    autocomplete_fields = ("default_tags",)
    readonly_fields = ("last_polled_at", "next_poll_at", "failures", "last_error", "upload_link")
    actions = ["poll_now"]
    fieldsets = (
        (None, {"fields": ("name", "disclaimer", "enabled")}),
        ("How copy arrives", {"fields": ("transport", "location", "format", "poll_minutes", "upload_link")}),
        ("What it becomes", {"fields": ("default_section", "default_tags", "default_access", "auto_publish",
                                        "byline_rule", "credit")}),
        ("Polling", {"fields": ("last_polled_at", "next_poll_at", "failures", "last_error"),
                     "classes": ("collapse",)}),
    )

    def save_model(self, request, obj: WireSource, form, change):
        name, disclaimer = form.cleaned_data["name"], form.cleaned_data.get("disclaimer", "")
        if change:
            source = obj.source
            source.name, source.disclaimer = name, disclaimer
            source.save(update_fields=["name", "disclaimer"])
        else:
            created = actions.create_source(name, section=obj.default_section, disclaimer=disclaimer)
            obj.pk, obj.source = created.pk, created.source
            obj._state.adding = False
        super().save_model(request, obj, form, True)

    @admin.display(description="Upload")
    def upload_link(self, obj: WireSource):
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">Upload files</a>', reverse("admin:wire_wiresource_upload", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:pk>/upload/", self.admin_site.admin_view(self.upload_view), name="wire_wiresource_upload"),
                *super().get_urls()]

    def upload_view(self, request, pk):
        wire_source = get_object_or_404(WireSource.objects.select_related("source"), pk=pk)
        if not self.has_change_permission(request, wire_source):
            return redirect("admin:index")
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            tally = actions.ingest_uploads(wire_source, form.cleaned_data["files"])
            level = messages.WARNING if tally.quarantined else messages.SUCCESS
            self.message_user(request, tally.as_line(), level)
            for note in tally.notes[:20]:
                self.message_user(request, note, messages.INFO)
            return redirect("admin:wire_wiresource_upload", pk=pk)
        context = {**self.admin_site.each_context(request), "title": f"Upload files to {wire_source}",
                   "form": form, "wire_source": wire_source, "opts": self.model._meta}
        return TemplateResponse(request, "admin/wire/upload.html", context)

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        for wire_source in queryset.select_related("source"):
            tally = actions.poll_source(wire_source)
            self.message_user(request, f"{wire_source}: {tally.as_line()}",
                              messages.WARNING if tally.quarantined else messages.SUCCESS)


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    can_delete = False
    fields = ("version", "version_created", "received_at", "state", "applied_at", "headline")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WireStory)
class WireStoryAdmin(admin.ModelAdmin):
    list_display = ("article", "wire_source", "state", "version", "version_created", "embargo_until", "updated_at")
    list_filter = ("state", "wire_source")
    search_fields = ("guid", "article__headline")
    list_select_related = ("article", "wire_source__source")
    inlines = [RevisionInline]
    readonly_fields = ("wire_source", "guid", "article_link", "state", "version", "version_created", "first_created",
                       "embargo_until", "urgency", "dateline", "language", "rights", "format", "received_at",
                       "updated_at")
    exclude = ("article", "item_digest", "text_digest")

    @admin.display(description="Article")
    def article_link(self, story: WireStory):
        return format_html('<a href="{}">{}</a>', reverse("admin:content_article_change", args=[story.article_id]),
                           story.article.headline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Agency versions of stories an editor changed here: take them, or keep the editor's text."""

    list_display = ("headline", "story", "version", "received_at", "state")
    list_filter = ("state",)
    list_select_related = ("story",)
    readonly_fields = ("story", "version", "version_created", "received_at", "applied_at", "state", "headline",
                       "standfirst", "body", "credit")
    actions = ["take_agency_version", "keep_editor_text"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Take the agency's version (replaces the editor's text)", permissions=["change"])
    def take_agency_version(self, request, queryset):
        pending = list(queryset.filter(state=Revision.State.PENDING))
        for revision in pending:
            actions.apply_revision(revision)
        self.message_user(request, f"Applied {len(pending)} revision(s).", messages.SUCCESS)

    @admin.action(description="Keep the editor's text", permissions=["change"])
    def keep_editor_text(self, request, queryset):
        pending = list(queryset.filter(state=Revision.State.PENDING))
        for revision in pending:
            actions.discard_revision(revision)
        self.message_user(request, f"Kept the editor's text for {len(pending)} revision(s).", messages.SUCCESS)


class ResolvedFilter(admin.SimpleListFilter):
    title = "resolved"
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return (("no", "Waiting"), ("yes", "Resolved"))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Quarantined)
class QuarantinedAdmin(admin.ModelAdmin):
    """What could not be ingested, with the reason; process it again once fixed."""

    list_display = ("received_at", "wire_source", "name", "reference", "reason", "attempts", "resolved_at")
    list_filter = (ResolvedFilter, "wire_source")
    search_fields = ("name", "reference", "reason")
    list_select_related = ("wire_source__source",)
    readonly_fields = ("wire_source", "name", "reference", "reason", "document", "size", "received_at", "attempts",
                       "resolved_at")
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Process again", permissions=["change"])
    def process_again(self, request, queryset):
        done = failed = 0
        for row in queryset.filter(resolved_at__isnull=True).select_related("wire_source__source"):
            if actions.reprocess(row):
                done += 1
            else:
                failed += 1
        self.message_user(request, f"{done} ingested, {failed} still failing.",
                          messages.WARNING if failed else messages.SUCCESS)
