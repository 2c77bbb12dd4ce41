"""The weekly revenue report: the headline numbers and charts, e-mailed to chosen staff.

The HTML carries the charts inline (SVG) for mail clients that draw it, and the same SVGs
are attached as files for those that do not; each chart's table is in the HTML too, so the
numbers survive any client.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.analytics import dashboard
from masthead.analytics.models import ReportRecipient
from masthead.core import clock
from masthead.core.dates import long_date


def week_before(now: dt.datetime) -> dashboard.Filters:
    """The seven days up to yesterday (the publication's days)."""
    today = timezone.localdate(now)
    last = today - dt.timedelta(days=1)
    return dashboard.Filters(last - dt.timedelta(days=6), last, "day")


def build(now: dt.datetime | None = None) -> tuple[str, str, str, list]:
    """(subject, text, html, charts) for the week before `now`."""
    from masthead.content.publication import current_publication

    f = week_before(now or clock.now())
    quarter = dashboard.Filters(f.last - dt.timedelta(days=89), f.last, "week")
    charts = [dashboard.funnel(f)[0], dashboard.revenue(quarter)[0], dashboard.revenue(quarter)[1],
              dashboard.churn(dashboard.Filters(f.last - dt.timedelta(days=365), f.last, "month")),
              dashboard.cohorts(dashboard.Filters(f.last - dt.timedelta(days=365), f.last, "month"))]
    figures = dashboard.headline(f)
    publication = current_publication()
    period = f"{long_date(f.first)} – {long_date(f.last)}"
    subject = f"{publication.name}: the week's revenue ({period})"
    context = {"figures": figures, "charts": charts, "period": period, "publication": publication,
               "desk_url": settings.MASTHEAD_PUBLIC_URL.rstrip("/") + "/admin/revenue/"}
    text = render_to_string("analytics/weekly_report.txt", context)
    html = render_to_string("analytics/weekly_report.html", context)
    return subject, text, html, charts


def send_weekly_report(now: dt.datetime | None = None) -> str:
    """Send the report to every recipient who is still active staff. Returns a summary line."""
    recipients = [r.user.email for r in ReportRecipient.objects.select_related("user")
                  if r.user.is_active and r.user.is_staff and r.user.email]
    if not recipients:
        return "weekly report: no recipients"
    subject, text, html, charts = build(now)
    for address in recipients:
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html, "text/html")
        for chart in charts:
            message.attach(f"{chart.slug}.svg", chart.svg, "image/svg+xml")
        message.send()
    return f"weekly report sent to {len(recipients)}"
