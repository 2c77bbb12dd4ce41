"""Newsletters in the admin: lists, issues built from ordered stories, sends and suppressions.

An editor builds an issue from chosen stories in order with an introduction, previews it
as a given recipient would see it, sends a test to themself, then schedules or sends it.
Progress (deliveries by status) shows on the issue while it goes out.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from masthead.core import clock
from masthead.newsletters import sending
from masthead.newsletters.models import Consent, Delivery, Issue, IssueArticle, NewsletterList, Signup, Suppression
from masthead.newsletters.tasks import send_issue_task


@admin.register(NewsletterList)
class NewsletterListAdmin(admin.ModelAdmin):
    list_display = ("name", "topic", "audience", "kind", "cadence", "receiving", "is_active")
    list_filter = ("audience", "kind", "cadence", "is_active")
    search_fields = ("name", "slug", "topic")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("digest_sections",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "topic", "audience", "is_active", "order")}),
        ("What goes out, and when", {"fields": ("kind", "cadence", "shows", "send_hour", "send_weekday",
                                                 "digest_sections", "digest_editors_picks", "digest_size")}),
        ("Sender", {"fields": ("sender_name", "sender_email", "reply_to")}),
    )

    @admin.display(description="receiving")
    def receiving(self, obj):
        return obj.signups.filter(status=Signup.Status.CONFIRMED).count()


class IssueArticleInline(admin.TabularInline):
    model = IssueArticle
    extra = 3
    autocomplete_fields = ("article",)
    fields = ("position", "article")


def _progress_html(issue: Issue) -> str:
    found = sending.counts(issue)
    total = sum(found.values())
    if not total:
        return "Not started"
    done = total - found["pending"]
    return format_html(
        '<progress max="{}" value="{}"></progress> {} of {} done: {} sent, {} failed, {} skipped, {} waiting{}',
        total, done, done, total, found["sent"], found["failed"], found["skipped"], found["pending"],
        f", {found['sending']} outcome unknown" if found["sending"] else "",
    )


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("subject", "newsletter", "status", "send_at", "progress")
    list_filter = ("status", "newsletter")
    search_fields = ("subject",)
    inlines = [IssueArticleInline]
    fields = ("newsletter", "subject", "introduction", "send_at", "status", "progress", "preview_links")
    readonly_fields = ("status", "progress", "preview_links")
    actions = ["send_now", "schedule", "send_test", "release_unknown"]

    @admin.display(description="progress")
    def progress(self, obj):
        return _progress_html(obj) if obj.pk else "—"

    @admin.display(description="preview")
    def preview_links(self, obj):
        if not obj.pk:
            return "Save the issue to preview it."
        url = reverse("admin:newsletters_issue_preview", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank">as a reader without a subscription</a> · '
            '<a href="{}?as=me" target="_blank">as you</a> · '
            '<form method="get" action="{}" target="_blank" style="display:inline">'
            '<label>as the reader with the address <input type="email" name="as" required></label> '
            '<button type="submit">Preview</button></form>', url, url, url)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [path("<int:pk>/preview/", self.admin_site.admin_view(self.preview), name="newsletters_issue_preview"),
                *super().get_urls()]

    def preview(self, request, pk: int):
        """The issue as a given recipient would receive it (the one read path decides each story)."""
        issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
        who = request.GET.get("as", "").strip()
        user = None
        if who == "me":
            user = request.user
        elif who:
            user = get_user_model().objects.filter(email__iexact=who, is_active=True).first()
        rendered = sending.preview(issue, user)
        response = HttpResponse(rendered.html)
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Send now")
    def send_now(self, request, queryset):
        for issue in queryset.exclude(status=Issue.Status.SENT):
            if issue.status != Issue.Status.SENDING:
                Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SCHEDULED, send_at=clock.now())
            send_issue_task(issue.pk)
            self.message_user(request, f"{issue.subject}: sending started; progress shows on the issue.")

    @admin.action(description="Schedule at the time set on the issue")
    def schedule(self, request, queryset):
        for issue in queryset.filter(status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]):
            if issue.send_at is None:
                self.message_user(request, f"{issue.subject}: set the time to send it first.", messages.ERROR)
                continue
            Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SCHEDULED)
            self.message_user(request, f"{issue.subject}: scheduled.")

    @admin.action(description="Send a test to me")
    def send_test(self, request, queryset):
        if not request.user.email:
            self.message_user(request, "Your account has no e-mail address.", messages.ERROR)
            return
        for issue in queryset:
            sending.send_test(issue, request.user)
            self.message_user(request, f"{issue.subject}: test sent to {request.user.email}.")

    @admin.action(description="Release deliveries whose outcome is unknown (checked they did not go)")
    def release_unknown(self, request, queryset):
        released = sum(sending.release_unknown(issue) for issue in queryset)
        self.message_user(request, f"{released} deliveries will be sent by the next run.")


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "at", "source", "wording")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ("email", "newsletter", "status", "created_at", "confirmed_at", "left_at")
    list_filter = ("status", "newsletter")
    search_fields = ("email",)
    readonly_fields = ("newsletter", "email", "user", "status", "created_at", "confirmed_at", "left_at")
    inlines = [ConsentInline]

    def has_add_permission(self, request):
        return False  # readers consent themselves; staff do not sign anyone up


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "at", "detail")
    list_filter = ("reason",)
    search_fields = ("email",)
    readonly_fields = ("at",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("email", "issue", "status", "claimed_at", "sent_at", "detail")
    list_filter = ("status",)
    search_fields = ("email",)
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
