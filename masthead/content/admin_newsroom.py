"""The newsroom's pages in the admin (issue 17): revisions, corrections, the picks desk and the schedule.

Mixed into ArticleAdmin. Every change goes through content.actions (restore_revision,
add_correction, arrange_picks), which check the user's role again: the admin hides what a role may not
do, the actions refuse it.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from masthead.content import actions, revisions, roles
from masthead.content.models import Article, Correction
from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.core.dates import date_time

# The most numbers the desk's order takes (the home page shows far fewer picks).
HIGHEST_ORDER = 999


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(choices=Correction.Kind.choices, initial=Correction.Kind.CORRECTION)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=2000,
                           help_text="Plain text, shown on the story to every reader with today's date. "
                           "Say what was wrong and what is right; do not quote the gated body.")


class NewsroomArticleAdmin:
    """Revisions, corrections, preview as a reader, the picks desk and the schedule, for ArticleAdmin."""

    change_list_template = "admin/content/article/change_list.html"

    # --- roles in the form -----------------------------------------------------------------
    def newsroom_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        """Fields a role may not set: publishing for reporters, the desk's picks for all but desk chiefs."""
        extra = ()
        if not request.user.has_perm(roles.PUBLISH):
            extra += ("status", "published_at", "updated_at")
        if not request.user.has_perm(roles.CURATE):
            extra += actions.CURATED
        return extra

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(roles.PUBLISH)

    def newsroom_may_change(self, request, obj) -> bool:
        """A reporter edits drafts; a story readers can see is changed by an editor."""
        return obj is None or request.user.has_perm(roles.PUBLISH) or not obj.is_live()

    # --- the story's newsroom links ------------------------------------------------------------
    @admin.display(description="Newsroom")
    def newsroom_links(self, article: Article):
        if not article.pk:
            return "-"
        preview = reverse("content:preview", args=[article.pk])
        items = [(f"{preview}?as={who}", f"Preview as {label}") for who, label in
                 (("anonymous", "an anonymous visitor"), ("metered", "a metered reader"), ("subscriber", "a subscriber"))]
        items.append((reverse("admin:content_article_revisions", args=[article.pk]),
                      f"Revisions ({revisions.history(article).count()})"))
        items.append((reverse("admin:content_article_correct", args=[article.pk]), "Add a correction or update"))
        return format_html_join(" · ", '<a href="{}">{}</a>', items)

    @admin.display(description="Corrections and updates")
    def corrections_list(self, article: Article):
        notes = list(article.corrections.all()) if article.pk else []
        if not notes:
            return "None"
        zone = current_publication().zone
        return format_html("<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong>, {}: {}</li>", (
            (note.get_kind_display(), date_time(note.at, zone), note.text) for note in notes)))

    # --- pages ----------------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("desk/", view(self.desk_view), name="content_article_desk"),
            path("schedule/", view(self.schedule_view), name="content_article_schedule"),
            path("<int:pk>/correct/", view(self.correct_view), name="content_article_correct"),
            path("<int:pk>/revisions/", view(self.revisions_view), name="content_article_revisions"),
            path("<int:pk>/revisions/compare/", view(self.compare_view), name="content_article_compare"),
            path("<int:pk>/revisions/<int:revision_id>/restore/", view(self.restore_view),
                 name="content_article_restore"),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **more):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **more}

    def _article(self, request, pk: int) -> Article:
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def correct_view(self, request, pk: int):
        """Add a dated correction or update (actions.add_correction: shown on the story and in
        its JSON-LD, the "Updated" time moves, the revision history keeps it)."""
        article = self._article(request, pk)
        if not request.user.has_perm(roles.CORRECT):
            raise PermissionDenied
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.add_correction(article, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"],
                                       by=request.user)
            except ValueError as exc:
                form.add_error("text", str(exc))
            else:
                messages.success(request, f"{Correction.Kind(form.cleaned_data['kind']).label} added to “{article.headline}”.")
                return HttpResponseRedirect(reverse("admin:content_article_change", args=[pk]))
        return TemplateResponse(request, "admin/content/article/correct.html", self._context(
            request, f"Add a correction or update to “{article.headline}”", article=article, form=form,
            notes=list(article.corrections.all())), status=400 if form.errors else 200)

    def revisions_view(self, request, pk: int):
        """Every revision of the story: when (publication time), who, what; compare two, restore one."""
        article = self._article(request, pk)
        zone = current_publication().zone
        rows = [{
            "revision_id": v.revision_id,
            "when": date_time(v.revision.date_created, zone),
            "who": v.revision.user.get_username() if v.revision.user else "the system",
            "comment": v.revision.get_comment() or "-",
            "headline": revisions.summary_of(v),
        } for v in revisions.history(article)]
        may_restore = request.user.has_perm("content.change_article") and self.newsroom_may_change(request, article)
        return TemplateResponse(request, "admin/content/article/revisions.html", self._context(
            request, f"Revisions of “{article.headline}”", article=article, rows=rows, may_restore=may_restore))

    def compare_view(self, request, pk: int):
        """Two revisions side by side: headline, standfirst and body, removed and added lines marked."""
        article = self._article(request, pk)
        try:
            older_id, newer_id = int(request.GET.get("older", "")), int(request.GET.get("newer", ""))
        except ValueError:
            messages.error(request, "Choose two revisions to compare.")
            return HttpResponseRedirect(reverse("admin:content_article_revisions", args=[pk]))
        older, newer = revisions.version_of(article, older_id), revisions.version_of(article, newer_id)
        if older is None or newer is None:
            raise Http404("No such revision of this story")
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        zone = current_publication().zone
        return TemplateResponse(request, "admin/content/article/compare.html", self._context(
            request, f"Compare revisions of “{article.headline}”", article=article,
            older_when=date_time(older.revision.date_created, zone),
            newer_when=date_time(newer.revision.date_created, zone),
            changes=revisions.compare(older, newer)))

    def restore_view(self, request, pk: int, revision_id: int):
        """POST: restore the story's text from one revision (actions.restore_revision)."""
        article = self._article(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:content_article_revisions", args=[pk]))
        if not self.newsroom_may_change(request, article):
            raise PermissionDenied
        try:
            actions.restore_revision(article, revision_id, by=request.user)
        except ValueError as exc:
            raise Http404(str(exc)) from exc
        messages.success(request, f"Restored “{article.headline}” from that revision; the restore is a revision too.")
        return HttpResponseRedirect(reverse("admin:content_article_change", args=[pk]))

    def desk_view(self, request):
        """Today's premium stories and the editors' picks, counted against the daily target,
        numbered for the home page (a form with numbers: no script needed)."""
        if not request.user.has_perm(roles.CURATE):
            raise PermissionDenied
        publication = current_publication()
        now = clock.now()
        today = publication.local(now).date()
        start = dt.datetime.combine(today, dt.time(0), tzinfo=publication.zone)
        live = Article.objects.live(now).select_related("section").defer("body")
        todays = [a for a in live.filter(published_at__gte=start, published_at__lt=start + dt.timedelta(days=1))
                  if a.is_premium]
        picks = list(live.filter(is_editors_pick=True))
        stories = {a.pk: a for a in [*picks, *todays]}
        errors: list[str] = []
        if request.method == "POST":
            chosen, order, errors = _read_desk_form(request.POST, set(stories))
            if not errors:
                changed = actions.arrange_picks(order, picks=chosen, candidates=set(stories), by=request.user)
                messages.success(request, f"Saved the picks: {changed} stor{'y' if changed == 1 else 'ies'} changed.")
                return HttpResponseRedirect(reverse("admin:content_article_desk"))
        rows = sorted(stories.values(), key=lambda a: (not a.is_editors_pick, a.home_order or HIGHEST_ORDER + 1,
                                                       -(a.published_at.timestamp())))
        posted = request.POST if request.method == "POST" else None
        table = [{
            "article": a,
            "pick": (str(a.pk) in posted.getlist("pick")) if posted else a.is_editors_pick,
            "order": posted.get(f"order-{a.pk}", "") if posted else (a.home_order or ""),
            "premium": a.is_premium,
            "when": date_time(a.published_at, publication.zone),
            "today": a in todays,
        } for a in rows]
        target = publication.premium_target
        return TemplateResponse(request, "admin/content/article/desk.html", self._context(
            request, "Editors' picks and premium desk", table=table, premium_today=len(todays), target=target,
            short_by=max(target - len(todays), 0), pick_count=len(picks), today=today, errors=errors),
            status=400 if errors else 200)

    def schedule_view(self, request):
        """Stories scheduled to go live, soonest first, in the publication's time."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        publication = current_publication()
        now = clock.now()
        upcoming = (Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
                    .select_related("section", "published_by").defer("body").order_by("published_at", "pk"))
        rows = [{"article": a, "when": date_time(a.published_at, publication.zone),
                 "by": a.published_by.get_username() if a.published_by else "",
                 "in": _until(a.published_at - now)} for a in upcoming]
        return TemplateResponse(request, "admin/content/article/schedule.html", self._context(
            request, "Scheduled stories", rows=rows, zone=publication.local(now).tzname()))


def _until(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"in {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"in {hours} h {minutes:02d} min"
    return f"in {hours // 24} days"


def _read_desk_form(data, candidates: set[int]) -> tuple[set[int], dict[int, int | None], list[str]]:
    """The desk form's picks and numbers; every problem named, nothing saved when there is one."""
    errors = []
    chosen = set()
    for raw in data.getlist("pick"):
        if raw.isdigit() and int(raw) in candidates:
            chosen.add(int(raw))
        else:
            errors.append(f"{raw!r} is not a story on this desk.")
    order: dict[int, int | None] = {}
    for pk in candidates:
        raw = (data.get(f"order-{pk}") or "").strip()
        if not raw:
            order[pk] = None
        elif raw.isdigit() and 1 <= int(raw) <= HIGHEST_ORDER:
            order[pk] = int(raw)
        else:
            errors.append(f"The order of story {pk} must be a whole number from 1 to {HIGHEST_ORDER} (got {raw!r}).")
    return chosen, order, errors
