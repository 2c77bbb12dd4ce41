"""The revenue desk in the admin: the dashboard, its CSV downloads and experiment results.

Every view needs a staff account with the analytics permission (view_revenue_desk); changing
an experiment's state needs run_experiments as well.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import wraps

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masthead.analytics import dashboard, experiments, results
from masthead.analytics.models import Experiment, Variant
from masthead.core import clock

VIEW = "analytics.view_revenue_desk"
RUN = "analytics.run_experiments"
LONGEST = 366 * 5


def desk_permission(perm: str = VIEW):
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_active or not user.is_staff:
                return redirect(f"/admin/login/?next={request.get_full_path()}")
            if not user.has_perm(VIEW) or not user.has_perm(perm):
                raise PermissionDenied("The revenue desk needs the analytics permission.")
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


def filters_from(request) -> tuple[dashboard.Filters, list[str]]:
    """The period and filters asked for, with a message for each value that was not understood."""
    today = timezone.localdate(clock.now())
    problems = []

    def day(name, default):
        raw = request.GET.get(name, "")
        if not raw:
            return default
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(f"“{raw[:20]}” is not a date (use YYYY-MM-DD); showing {default.isoformat()} instead.")
            return default

    last = day("to", today)
    first = day("from", last - dt.timedelta(days=89))
    if first > last:
        problems.append("The first day was after the last; they have been swapped.")
        first, last = last, first
    if (last - first).days > LONGEST:
        first = last - dt.timedelta(days=LONGEST)
        problems.append("At most five years are shown at once.")
    grain = request.GET.get("grain", "")
    if grain not in dashboard.GRAINS:
        if grain:
            problems.append(f"“{grain[:10]}” is not a period; showing weeks.")
        grain = "day" if (last - first).days <= 31 else "week"
    picked = {name: request.GET.get(name, "")[:80] for name in dashboard.DIMENSION_FILTERS}
    return dashboard.Filters(first, last, grain, **picked), problems


def _charts(f: dashboard.Filters) -> list[dashboard.Chart]:
    return [*dashboard.funnel(f), dashboard.breakdown(f, "section"), dashboard.breakdown(f, "referrer"),
            dashboard.breakdown(f, "device"), dashboard.attribution(f), *dashboard.revenue(f),
            dashboard.churn(f), dashboard.cohorts(f)]


SECTIONS = (
    ("The funnel", ("funnel", "steps", "paywall-reasons", "by-section", "by-referrer", "by-device", "attribution")),
    ("Subscriptions and revenue", ("mrr", "plan-mix", "movement")),
    ("Churn and cohorts", ("churn", "cohorts")),
)


@desk_permission()
def desk(request):
    """The dashboard: the funnel, MRR, churn and cohorts as charts with their tables."""
    f, problems = filters_from(request)
    for problem in problems:
        messages.warning(request, problem)
    found = {chart.slug: chart for chart in _charts(f)}
    query = request.GET.urlencode()
    context = {
        **admin.site.each_context(request),
        "title": "Revenue desk",
        "filters": f,
        "grains": dashboard.GRAINS,
        "sections": [(title, [found[slug] for slug in slugs]) for title, slugs in SECTIONS],
        "headline": dashboard.headline(f),
        "definitions": dashboard_definitions(),
        "query": query,
        "experiments": Experiment.objects.exclude(status=Experiment.Status.DRAFT)[:5],
    }
    return TemplateResponse(request, "analytics/desk.html", context)


def dashboard_definitions():
    from masthead.analytics.metrics import DEFINITIONS

    return DEFINITIONS


@desk_permission()
def desk_csv(request, slug: str):
    """One chart's table as CSV, for the same period and filters."""
    f, _ = filters_from(request)
    chart = next((c for c in _charts(f) if c.slug == slug), None)
    if chart is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{f.first}-{f.last}.csv"'
    writer = csv.writer(response)
    writer.writerow([h.lower().replace(" ", "_") for h in chart.headers])
    writer.writerows(chart.data)
    return response


@desk_permission()
def experiment(request, pk: int):
    """One experiment: each arm's figures with 95% intervals, RPM, and the verdict."""
    found = get_object_or_404(Experiment, pk=pk)
    context = {
        **admin.site.each_context(request),
        "title": f"Experiment: {found.name}",
        "experiment": found,
        "report": results.report(found),
        "planned": found.planned_readers or experiments.plan(found),
        "can_run": request.user.has_perm(RUN),
        "problems": experiments.problems(found) if found.status == Experiment.Status.DRAFT else [],
    }
    return TemplateResponse(request, "analytics/experiment.html", context)


@require_POST
@desk_permission(RUN)
def experiment_action(request, pk: int, action: str):
    """Start, stop or promote in one click (POST, with the admin's CSRF token)."""
    found = get_object_or_404(Experiment, pk=pk)
    try:
        if action == "start":
            experiments.start(found)
            messages.success(request, "Started: readers are being assigned.")
        elif action == "stop":
            experiments.stop(found)
            messages.success(request, "Stopped: every reader gets the publisher's rules.")
        elif action == "promote":
            variant = get_object_or_404(Variant, pk=request.POST.get("variant") or 0, experiment=found)
            experiments.promote(found, variant)
            messages.success(request, f"“{variant.name}” is now what every reader gets.")
        else:
            raise Http404("No such action.")
    except experiments.ExperimentError as error:
        messages.error(request, str(error))
    return redirect("analytics:experiment", pk=found.pk)
