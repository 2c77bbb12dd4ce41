"""What the revenue desk shows, built from the rollups only (never the raw events).

Each section returns Charts: an SVG, the table it was drawn from, and the same table as
CSV rows. Periods are days, ISO weeks (from Monday) or calendar months of the publication.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from masthead.analytics import charts
from masthead.analytics.models import (
    AttributionDay, CohortCell, FunnelDay, FunnelSlice, FunnelTotal, MonthRevenue, RevenueDay,
)
from masthead.core.money import format_money, format_number

GRAINS = ("day", "week", "month")
DIMENSION_FILTERS = ("section", "referrer", "device")
STEPS = (
    ("metered_read", "Metered reads"),
    ("meter_notice", "Meter notices"),
    ("paywall_view", "Paywall views"),
    ("checkout", "Checkout starts"),
    ("payment", "Payments"),
    ("subscription", "Paid subscriptions"),
)
PAYWALL_REASONS = (("limit", "Limit"), ("premium", "Premium"), ("markets", "Market analysis"), ("archive", "Archive"),
                   ("registration", "Registration"), ("cookies", "Cookies"))


@dataclass
class Chart:
    slug: str
    title: str
    svg: str
    headers: list[str]
    rows: list[list[str]]                       # shown
    data: list[list] = field(default_factory=list)  # the CSV (plain values)


@dataclass(frozen=True)
class Filters:
    first: dt.date
    last: dt.date
    grain: str = "day"
    section: str = ""
    referrer: str = ""
    device: str = ""

    def dimensions(self) -> dict:
        return {name: getattr(self, name) for name in DIMENSION_FILTERS if getattr(self, name)}


def period_of(day: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def periods(first: dt.date, last: dt.date, grain: str) -> list[dt.date]:
    found, day = [], first
    while day <= last:
        p = period_of(day, grain)
        if not found or found[-1] != p:
            found.append(p)
        day += dt.timedelta(days=1)
    return found


def label(period: dt.date, grain: str) -> str:
    if grain == "month":
        return period.strftime("%b %Y")
    return f"{period.day} {period.strftime('%b')}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def rupees(paise: int) -> str:
    return format_money(int(paise), "INR", whole=True) if paise % 100 == 0 else format_money(int(paise), "INR")


def ratio(top: int, bottom: int) -> float | None:
    return top / bottom if bottom else None


# --- the funnel --------------------------------------------------------------------------------

def funnel(f: Filters) -> list[Chart]:
    # Unfiltered, the few-rows-a-day totals; filtered by a dimension, the full daily table.
    source = FunnelDay.objects.filter(**f.dimensions()) if f.dimensions() else FunnelTotal.objects
    rows = (source.filter(day__gte=f.first, day__lte=f.last)
            .values_list("day", "kind", "reason").annotate(n=Sum("count")).order_by())
    buckets = periods(f.first, f.last, f.grain)
    index = {p: i for i, p in enumerate(buckets)}
    counts = {kind: [0] * len(buckets) for kind, _ in STEPS}
    reasons = {reason: [0] * len(buckets) for reason, _ in PAYWALL_REASONS}
    for day, kind, reason, n in rows:
        i = index[period_of(day, f.grain)]
        if kind in counts:
            counts[kind][i] += n
        if kind == "paywall_view" and reason in reasons:
            reasons[reason][i] += n
    labels = [label(p, f.grain) for p in buckets]
    svg = charts.line_chart("The funnel", labels, {name: counts[kind] for kind, name in STEPS})
    headers = ["Period"] + [name for _, name in STEPS] + ["Paywall → paid"]
    table, data = [], []
    for i, p in enumerate(buckets):
        values = [counts[kind][i] for kind, _ in STEPS]
        conv = ratio(counts["subscription"][i], counts["paywall_view"][i])
        table.append([label(p, f.grain)] + [format_number(v) for v in values] + [pct(conv)])
        data.append([p.isoformat()] + values + ["" if conv is None else round(conv, 6)])
    main = Chart("funnel", "The funnel", svg, headers, table, data)

    totals = [sum(counts[kind]) for kind, _ in STEPS]
    step_rows, step_data = [], []
    for n, (kind, name) in enumerate(STEPS):
        conv = ratio(totals[n], totals[n - 1]) if n else None
        step_rows.append([name, format_number(totals[n]), pct(conv) if n else ""])
        step_data.append([kind, totals[n], "" if conv is None else round(conv, 6)])
    steps_svg = charts.stacked_bars("Funnel steps in the period", [name for _, name in STEPS],
                                    {"Count": totals})
    steps = Chart("steps", "Conversion at each step", steps_svg, ["Step", "Count", "Of the step before"],
                  step_rows, step_data)

    reason_svg = charts.stacked_bars("Paywall views by reason", labels,
                                     {name: reasons[r] for r, name in PAYWALL_REASONS})
    reason_rows = [[label(p, f.grain)] + [format_number(reasons[r][i]) for r, _ in PAYWALL_REASONS]
                   for i, p in enumerate(buckets)]
    reason_data = [[p.isoformat()] + [reasons[r][i] for r, _ in PAYWALL_REASONS] for i, p in enumerate(buckets)]
    by_reason = Chart("paywall-reasons", "Paywall views by reason", reason_svg,
                      ["Period"] + [name for _, name in PAYWALL_REASONS], reason_rows, reason_data)
    return [main, steps, by_reason]


def breakdown(f: Filters, dimension: str) -> Chart:
    """The funnel's totals for the period by one dimension (section, referrer or device)."""
    if f.dimensions():
        rows = (FunnelDay.objects.filter(day__gte=f.first, day__lte=f.last, **f.dimensions())
                .values_list(dimension, "kind").annotate(n=Sum("count")).order_by())
    else:
        rows = (FunnelSlice.objects.filter(dimension=dimension, day__gte=f.first, day__lte=f.last)
                .values_list("value", "kind").annotate(n=Sum("count")).order_by())
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for value, kind, n in rows:
        found[value or "(none)"][kind] += n
    ordered = sorted(found.items(), key=lambda item: -item[1].get("paywall_view", 0))
    headers = [dimension.capitalize()] + [name for _, name in STEPS] + ["Paywall → paid"]
    table, data = [], []
    for value, kinds in ordered:
        counts = [kinds.get(kind, 0) for kind, _ in STEPS]
        conv = ratio(kinds.get("subscription", 0), kinds.get("paywall_view", 0))
        table.append([value] + [format_number(c) for c in counts] + [pct(conv)])
        data.append([value] + counts + ["" if conv is None else round(conv, 6)])
    svg = charts.stacked_bars(f"By {dimension}", [v for v, _ in ordered],
                              {name: [k.get(kind, 0) for _, k in ordered]
                               for kind, name in STEPS if kind in ("paywall_view", "checkout", "subscription")})
    return Chart(f"by-{dimension}", f"By {dimension}", svg, headers, table, data)


def attribution(f: Filters, limit: int = 15) -> Chart:
    """The articles and referrers that led to new subscriptions."""
    filters = {k: v for k, v in f.dimensions().items() if k in ("section", "referrer")}
    rows = (AttributionDay.objects.filter(day__gte=f.first, day__lte=f.last, **filters)
            .values_list("article_id", "headline", "section", "referrer")
            .annotate(n=Sum("subscriptions"), money=Sum("revenue")).order_by("-n", "headline")[:limit])
    table = [[headline or "(no article)", section or "–", referrer, format_number(n), rupees(money)]
             for _, headline, section, referrer, n, money in rows]
    data = [[article or "", headline, section, referrer, n, money] for article, headline, section, referrer, n, money in rows]
    svg = charts.stacked_bars("Subscriptions by article", [r[0][:18] for r in table], {"Subscriptions": [r[4] for r in data]})
    return Chart("attribution", "What led to each subscription", svg,
                 ["Article", "Section", "Referrer", "Subscriptions", "First payments (after GST)"], table, data)


# --- subscriptions and money -------------------------------------------------------------------

def revenue(f: Filters) -> list[Chart]:
    rows = list(RevenueDay.objects.filter(day__gte=f.first, day__lte=f.last).order_by("day").values())
    buckets = periods(f.first, f.last, f.grain)
    index = {p: i for i, p in enumerate(buckets)}
    plans = sorted({r["plan"] for r in rows})
    last_day = [None] * len(buckets)
    for r in rows:
        i = index[period_of(r["day"], f.grain)]
        if last_day[i] is None or r["day"] > last_day[i]:
            last_day[i] = r["day"]
    mrr = [0] * len(buckets)
    active = {plan: [0] * len(buckets) for plan in plans}
    flows = {k: [0] * len(buckets) for k in ("new", "renewed", "recovered", "failed", "cancelled", "ended_voluntary",
                                               "ended_involuntary", "refunds", "refunded", "revenue", "gifts")}
    for r in rows:
        i = index[period_of(r["day"], f.grain)]
        if r["day"] == last_day[i]:
            mrr[i] += r["mrr"]
            active[r["plan"]][i] += r["active"]
        for k in flows:
            flows[k][i] += r[k]
    labels = [label(p, f.grain) for p in buckets]
    totals = [sum(active[plan][i] for plan in plans) for i in range(len(buckets))]
    mrr_chart = Chart(
        "mrr", "MRR and ARR (after GST)",
        charts.line_chart("MRR (₹, after GST)", labels, {"MRR": [m / 100 for m in mrr]}),
        ["Period", "MRR", "ARR", "Paid subscribers", "ARPU"],
        [[label(p, f.grain), rupees(mrr[i]), rupees(mrr[i] * 12), format_number(totals[i]),
          rupees(round(mrr[i] / totals[i])) if totals[i] else "–"] for i, p in enumerate(buckets)],
        [[p.isoformat(), mrr[i], mrr[i] * 12, totals[i], round(mrr[i] / totals[i]) if totals[i] else ""]
         for i, p in enumerate(buckets)],
    )
    mix = Chart(
        "plan-mix", "Paid subscribers by plan",
        charts.stacked_bars("Paid subscribers by plan", labels, active),
        ["Period"] + plans + ["Total"],
        [[label(p, f.grain)] + [format_number(active[plan][i]) for plan in plans] + [format_number(totals[i])]
         for i, p in enumerate(buckets)],
        [[p.isoformat()] + [active[plan][i] for plan in plans] + [totals[i]] for i, p in enumerate(buckets)],
    )
    names = [("new", "New"), ("renewed", "Renewed"), ("recovered", "Recovered (dunning)"), ("failed", "Failed charges"),
             ("cancelled", "Cancelled"), ("ended_voluntary", "Ended: voluntary"),
             ("ended_involuntary", "Ended: involuntary"), ("gifts", "Gifts"), ("refunds", "Refunds")]
    movement = Chart(
        "movement", "New, renewed, cancelled, ended, gifts, refunded",
        charts.line_chart("Subscription movement", labels,
                          {name: flows[k] for k, name in names if k in ("new", "renewed", "cancelled", "ended_voluntary",
                                                                         "ended_involuntary")}),
        ["Period"] + [name for _, name in names] + ["Refunded", "Revenue (after GST)"],
        [[label(p, f.grain)] + [format_number(flows[k][i]) for k, _ in names]
         + [rupees(flows["refunded"][i]), rupees(flows["revenue"][i])] for i, p in enumerate(buckets)],
        [[p.isoformat()] + [flows[k][i] for k, _ in names] + [flows["refunded"][i], flows["revenue"][i]]
         for i, p in enumerate(buckets)],
    )
    return [mrr_chart, mix, movement]


def churn(f: Filters) -> Chart:
    months = list(MonthRevenue.objects.filter(month__gte=f.first.replace(day=1), month__lte=f.last).order_by("month"))
    labels = [m.month.strftime("%b %Y") for m in months]

    def rate(top, bottom):
        return top / bottom if bottom else None

    series = {
        "Churn": [100 * (rate(m.lost_voluntary + m.lost_involuntary, m.active_start) or 0) for m in months],
        "Voluntary": [100 * (rate(m.lost_voluntary, m.active_start) or 0) for m in months],
        "Involuntary": [100 * (rate(m.lost_involuntary, m.active_start) or 0) for m in months],
    }
    table = [[m.month.strftime("%b %Y"), format_number(m.active_start),
              pct(rate(m.lost_voluntary + m.lost_involuntary, m.active_start)),
              pct(rate(m.lost_voluntary, m.active_start)), pct(rate(m.lost_involuntary, m.active_start)),
              pct(rate(m.mrr_retained, m.mrr_start)), rupees(m.mrr_start), rupees(m.mrr_end)] for m in months]
    data = [[m.month.isoformat(), m.active_start, m.lost_voluntary, m.lost_involuntary, m.mrr_start, m.mrr_retained,
             m.mrr_end] for m in months]
    return Chart("churn", "Monthly churn and net revenue retention",
                 charts.line_chart("Monthly churn (%)", labels, series),
                 ["Month", "Paid at start", "Churn", "Voluntary", "Involuntary", "Net revenue retention",
                  "MRR at start", "MRR at end"], table, data)


def cohorts(f: Filters, months: int = 12) -> Chart:
    cells = list(CohortCell.objects.filter(cohort__gte=f.first.replace(day=1), cohort__lte=f.last)
                 .order_by("cohort", "age"))
    cohort_list = sorted({c.cohort for c in cells})
    ages = min(months, max((c.age for c in cells), default=-1) + 1)
    grid = {(c.cohort, c.age): c for c in cells}
    values = [[(grid[(k, a)].retained / grid[(k, a)].size) if (k, a) in grid and grid[(k, a)].size else None
               for a in range(ages)] for k in cohort_list]
    sizes = {k: next((c.size for c in cells if c.cohort == k), 0) for k in cohort_list}
    table = [[k.strftime("%b %Y"), format_number(sizes[k])] + [pct(v) if v is not None else "" for v in row]
             for k, row in zip(cohort_list, values)]
    data = [[k.isoformat(), sizes[k]] + ["" if v is None else round(v, 6) for v in row]
            for k, row in zip(cohort_list, values)]
    return Chart("cohorts", "Monthly cohort retention",
                 charts.heat_map("Cohort retention", [k.strftime("%b %Y") for k in cohort_list],
                                 [f"M{a}" for a in range(ages)], values),
                 ["Cohort", "Subscribers"] + [f"Month {a}" for a in range(ages)], table, data)


def headline(f: Filters) -> dict:
    """The figures a weekly report leads with."""
    last = RevenueDay.objects.filter(day__lte=f.last).order_by("-day").values_list("day", flat=True).first()
    current = RevenueDay.objects.filter(day=last).aggregate(mrr=Sum("mrr"), active=Sum("active")) if last else {}
    flows = RevenueDay.objects.filter(day__gte=f.first, day__lte=f.last).aggregate(
        new=Sum("new"), cancelled=Sum("cancelled"), gifts=Sum("gifts"), revenue=Sum("revenue"),
        refunded=Sum("refunded"))
    views = FunnelTotal.objects.filter(day__gte=f.first, day__lte=f.last, kind="paywall_view").aggregate(n=Sum("count"))
    mrr_now, active = current.get("mrr") or 0, current.get("active") or 0
    return {
        "mrr": rupees(mrr_now), "arr": rupees(mrr_now * 12), "active": format_number(active),
        "arpu": rupees(round(mrr_now / active)) if active else "–",
        "new": format_number(flows["new"] or 0), "cancelled": format_number(flows["cancelled"] or 0),
        "gifts": format_number(flows["gifts"] or 0),
        "revenue": rupees(flows["revenue"] or 0), "refunded": rupees(flows["refunded"] or 0),
        "paywall_views": format_number(views["n"] or 0),
    }
