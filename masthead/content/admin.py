"""The editors' admin for the publication's content.

Status changes go through content.actions, so publishing from the list, from the form
or from code behaves the same way (locks, cache purge on commit).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from masthead.content import actions, revisions
from masthead.content import picture_admin  # noqa: F401  (registers the picture library)
from masthead.content.admin_newsroom import NewsroomArticleAdmin
from masthead.content.editor import ArticleForm
from masthead.content.models import Article, Author, LegalPage, Publication, Section, Source, Tag
from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.core.dates import date_time


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "currency", "locale")
    # A bare host typed by an editor means https (the Django 6 default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "tagline", "logo_text", "public_url")}),
        ("Locale", {"fields": ("time_zone", "currency", "locale")}),
        ("Legal, tax and contact", {
            "fields": ("legal_name", "address", "gstin", "contact_email", "phone"),
            "description": "Shown on the Contact page and on invoices.",
        }),
        ("Newsroom", {"fields": ("premium_target",), "description": "The picks desk counts today's premium stories against this."}),
    )

    def has_add_permission(self, request):
        # One publication per deployment.
        return not Publication.objects.exists()


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    """Terms, refunds and cancellation, contact: one page each, linked in every page's footer."""

    list_display = ("title", "kind", "updated_at", "link")
    readonly_fields = ("updated_at", "link")
    fields = ("kind", "title", "body", "updated_at", "link")

    def get_changeform_initial_data(self, request):
        from masthead.content.legal import default_body

        kind = request.GET.get("kind") or next(iter(self._missing_kinds()), LegalPage.Kind.TERMS)
        if kind not in LegalPage.Kind.values:
            kind = LegalPage.Kind.TERMS
        return {"kind": kind, "title": LegalPage.Kind(kind).label, "body": default_body(kind)}

    def _missing_kinds(self) -> list[str]:
        saved = set(LegalPage.objects.values_list("kind", flat=True))
        return [kind for kind in LegalPage.Kind.values if kind not in saved]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and bool(self._missing_kinds())

    @admin.display(description="On the site")
    def link(self, page: LegalPage):
        if not page.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), page.get_absolute_url())


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "is_premium", "in_navigation")
    list_editable = ("order", "is_premium", "in_navigation")
    list_filter = ("is_premium", "in_navigation")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "slug")
    search_fields = ("name", "slug", "role")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "disclaimer")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class StatusForReadersFilter(admin.SimpleListFilter):
    """Statuses as readers see them: a scheduled story whose time has come is published."""

    title = "status"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(Article.Status.DRAFT, "Draft"), (Article.Status.SCHEDULED, "Scheduled (not yet live)"),
                (Article.Status.PUBLISHED, "Published"), (Article.Status.WITHDRAWN, "Withdrawn")]

    def queryset(self, request, queryset):
        now = clock.now()
        value = self.value()
        if value == Article.Status.SCHEDULED:
            return queryset.filter(status=value, published_at__gt=now)
        if value == Article.Status.PUBLISHED:
            return queryset.filter(models.Q(status=value) | models.Q(status=Article.Status.SCHEDULED,
                                                                    published_at__lte=now))
        if value:
            return queryset.filter(status=value)
        return queryset


@admin.register(Article)
class ArticleAdmin(NewsroomArticleAdmin, admin.ModelAdmin):
    form = ArticleForm  # the body in the rich editor, cleaned on the server (content/editor.py)
    list_display = (
        "headline", "section", "status_shown", "published_at", "access", "is_editors_pick", "is_top_story",
        "origin", "links",
    )
    list_display_links = ("headline",)
    # Picks and their order are set on the desk (admin_newsroom), by a desk chief.
    list_editable = ("access",)
    list_filter = (StatusForReadersFilter, "access", "section", "origin", "is_editors_pick", "is_top_story", "published_at")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("authors", "tags", "lead_picture")
    readonly_fields = ("created_at", "modified_at", "published_by", "links", "newsroom_links", "corrections_list")
    actions = ["publish_now", "withdraw"]
    save_on_top = True
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body")}),
        ("Corrections and updates", {"fields": ("corrections_list",)}),
        ("Placement", {"fields": ("section", "authors", "tags", "is_top_story", "is_editors_pick", "home_order")}),
        ("Publishing", {
            "fields": ("status", "published_at", "updated_at", "access", "links", "newsroom_links", "published_by"),
            "description": "Choose Scheduled with a future time to publish later: the story goes "
            "live at that time with no further step. Published with no time means now.",
        }),
        ("Lead picture", {"fields": ("lead_picture",),
                          "description": "Choose from the picture library (Content › Pictures), or upload one there."}),
        ("Uploaded lead image (older stories and wire pictures)", {
            "fields": ("lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"),
            "classes": ("collapse",)}),
        ("Origin", {"fields": ("origin", "source", "source_reference", "credit"), "classes": ("collapse",)}),
        ("History", {"fields": ("created_at", "modified_at"), "classes": ("collapse",)}),
    )

    def get_object(self, request, object_id, from_field=None):
        """A scheduled story whose time has come is edited as what it is: published.

        Saving it keeps its time (publish_article with a past time publishes at that time).
        """
        article = super().get_object(request, object_id, from_field)
        if article is not None and article.status == Article.Status.SCHEDULED and article.is_live():
            article.status = Article.Status.PUBLISHED
        return article

    # --- newsroom (issue 17): roles and revisions (admin_newsroom) ---
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.newsroom_readonly_fields(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.newsroom_may_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One revision per save, by this user (the actions called inside join it).
        with revisions.recording(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        with revisions.recording(request.user):
            return super().changelist_view(request, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        revisions.note(LogEntry(change_message=json.dumps(message)).get_change_message() if message else "")
        return message

    @admin.display(description="Status", ordering="status")
    def status_shown(self, article: Article) -> str:
        return article.status_for_readers()

    def get_queryset(self, request):
        # The change list never needs bodies; the form loads its object separately.
        return super().get_queryset(request).defer("body")

    @admin.display(description="Links")
    def links(self, article: Article):
        if not article.pk:
            return "-"
        preview = format_html('<a href="{}">Preview</a>', reverse("content:preview", args=[article.pk]))
        if article.is_live():
            return format_html('{} · <a href="{}">View on site</a>', preview, article.get_absolute_url())
        return preview

    def save_model(self, request, obj: Article, form, change):
        """Save the editor's fields, then let content.actions apply the chosen status.

        The status field is what the editor asked for: Published (now, or at the given
        time), Scheduled (at the given future time), Withdrawn or Draft.
        """
        if change and not self.newsroom_may_change(request, Article.objects.defer("body").get(pk=obj.pk)):
            # The list's editable columns reach here without the form's check (newsroom roles).
            raise PermissionDenied("Only an editor changes a story readers can see.")
        wanted = obj.status
        previous = Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        if wanted in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
            # Save as a draft first; publish_article sets the status and time.
            obj.status = previous or Article.Status.DRAFT
            super().save_model(request, obj, form, change)
            at = obj.published_at
            if wanted == Article.Status.SCHEDULED and (at is None or at <= clock.now()):
                messages.warning(request, "A scheduled story needs a future time; it was published now instead.")
                at = None
            actions.publish_article(obj, at=at, by=request.user)
            if obj.status == Article.Status.SCHEDULED:
                local = current_publication().local(obj.published_at)
                messages.info(request, f"“{obj.headline}” is scheduled and goes live at {date_time(local)} ({local.tzname()}).")
        elif change and wanted != previous and wanted in (Article.Status.WITHDRAWN, Article.Status.DRAFT):
            obj.status = previous
            super().save_model(request, obj, form, change)
            if wanted == Article.Status.WITHDRAWN:
                actions.withdraw_article(obj, by=request.user)
            else:
                actions.unpublish_article(obj, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset.select_related(None).only("pk", "status", "published_at"):
            actions.publish_article(article, by=request.user)
            count += 1
        self.message_user(request, f"Published {count} stor{'y' if count == 1 else 'ies'}.", messages.SUCCESS)

    @admin.action(description="Withdraw", permissions=["publish"])
    def withdraw(self, request, queryset):
        count = 0
        for article in queryset.select_related(None).only("pk", "status"):
            actions.withdraw_article(article, by=request.user)
            count += 1
        self.message_user(request, f"Withdrew {count} stor{'y' if count == 1 else 'ies'}.", messages.SUCCESS)
