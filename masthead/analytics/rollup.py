"""The rollup: raw events and the books into the daily tables the dashboards read.

`rollup_days(first, last)` rewrites each day in one transaction (delete the day's rows,
insert them again from the sources), so running a day twice gives the same numbers and a
half-finished run leaves each day either old or new, never mixed. The raw events are
grouped in the database (one GROUP BY per day on the day index); the books are read once
per run. Raw events are kept MASTHEAD_ANALYTICS_RAW_DAYS days: a day whose raw events are
gone keeps the funnel counts it was rolled up with (nothing is lost by rerunning it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from masthead.analytics import history, metrics
from masthead.analytics.events import reader_hash
from masthead.analytics.models import (
    AttributionDay, CohortCell, Event, Experiment, ExperimentDay, FunnelDay, FunnelSlice, FunnelTotal, MonthRevenue,
    RevenueDay, RolledUpDay, Assignment,
)
from masthead.core import clock

RAW_KINDS = ("metered_read", "meter_notice", "paywall_view")
BOOK_KINDS = ("checkout", "payment", "subscription")
DIMENSIONS = ("kind", "reason", "section", "referrer", "device", "channel", "variant")
_ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/(?P<slug>[-a-zA-Z0-9_]+)/")


@dataclass
class Summary:
    days: int = 0
    events: int = 0
    kept: int = 0

    def as_line(self) -> str:
        kept = f", {self.kept} kept from an earlier rollup (raw events purged)" if self.kept else ""
        return f"rolled up {self.days} days from {self.events:,} raw events{kept}"


def zone():
    from masthead.content.publication import current_publication

    return current_publication().zone


def day_bounds(day: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _rate() -> int:
    return settings.MASTHEAD_GST_RATE


# --- attribution --------------------------------------------------------------------------

class Attributor:
    """The article, section, referrer and device behind a subscription, from its checkout.

    The raw events of the subscribers in the period are read in batches up front (a few
    queries, not one per subscription).
    """

    BATCH = 500

    def __init__(self, subs=(), first: dt.datetime | None = None, last: dt.datetime | None = None):
        self.details = history.details()
        self._articles: dict[str, tuple] = {}
        self._found: dict[int, dict] = {}
        self._events: dict[str, list] = defaultdict(list)
        self._arms: dict[tuple[int, str], str] = {}
        wanted = set()
        for sub in subs:
            moments = [sub.created_at] + [c.at for c in sub.charges]
            if first is None or any(first <= m < last for m in moments):
                user = self.details.get(sub.id, (None, ""))[0]
                if user is not None:
                    wanted.add(reader_hash(f"u:{user}"))
        wanted = sorted(wanted)
        for i in range(0, len(wanted), self.BATCH):
            batch = wanted[i:i + self.BATCH]
            for row in (Event.objects.filter(reader__in=batch)
                        .values("reader", "at", "article_id", "section", "referrer", "device", "channel")):
                self._events[row["reader"]].append(row)
            for experiment, who, arm in Assignment.objects.filter(reader__in=batch).values_list(
                    "experiment_id", "reader", "arm"):
                self._arms[(experiment, who)] = arm
        for rows in self._events.values():
            rows.sort(key=lambda row: row["at"], reverse=True)

    def arm(self, experiment_id: int, who: str) -> str | None:
        return self._arms.get((experiment_id, who))

    def article(self, return_to: str) -> tuple[int | None, str, str]:
        match = _ARTICLE_PATH.match(return_to or "")
        if not match:
            return (None, "", "")
        slug = match["slug"]
        if slug not in self._articles:
            from masthead.content.models import Article

            row = Article.objects.filter(slug=slug).values_list("pk", "headline", "section__slug").first()
            self._articles[slug] = row or (None, "", "")
        return self._articles[slug]

    def of(self, sub: metrics.SubscriptionFacts) -> dict:
        if sub.id not in self._found:
            self._found[sub.id] = self._find(sub)
        return self._found[sub.id]

    def _find(self, sub: metrics.SubscriptionFacts) -> dict:
        user, return_to = self.details.get(sub.id, (None, ""))
        article_id, headline, section = self.article(return_to)
        found = {"article_id": article_id, "headline": headline, "section": section, "referrer": "direct",
                 "device": "desktop", "channel": "web", "reader": ""}
        if user is None:
            return found
        who = reader_hash(f"u:{user}")
        found["reader"] = who
        before = [row for row in self._events.get(who, ()) if row["at"] <= sub.created_at]
        event = next((row for row in before if article_id is not None and row["article_id"] == article_id), None)
        event = event or (before[0] if before else None)
        if event:
            found.update(referrer=event["referrer"], device=event["device"], channel=event["channel"])
            found["section"] = found["section"] or event["section"]
        return found


# --- one day ------------------------------------------------------------------------------

def _funnel_from_events(day: dt.date) -> int:
    """Group the day's raw events into FunnelDay rows inside the database; returns the events read.

    One INSERT ... SELECT ... GROUP BY on the day index: no row travels through Python, which
    is what keeps a day of ten million events to minutes on PostgreSQL.
    """
    event, funnel = Event._meta.db_table, FunnelDay._meta.db_table
    columns = ", ".join(DIMENSIONS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {funnel} (day, {columns}, count, revenue) "
            f"SELECT day, {columns}, COUNT(*), 0 FROM {event} WHERE day = %s GROUP BY day, {columns}",
            [day],
        )
        # The day's rows were deleted just before: all that is there now came from the raw events.
        cursor.execute(f"SELECT COALESCE(SUM(count), 0) FROM {funnel} WHERE day = %s", [day])
        return int(cursor.fetchone()[0])


SLICED = ("section", "referrer", "device")


def summarise_funnel(first: dt.date, last: dt.date) -> None:
    """Rewrite FunnelTotal and FunnelSlice for [first, last] from FunnelDay, in the database."""
    funnel, total, part = FunnelDay._meta.db_table, FunnelTotal._meta.db_table, FunnelSlice._meta.db_table
    FunnelTotal.objects.filter(day__gte=first, day__lte=last).delete()
    FunnelSlice.objects.filter(day__gte=first, day__lte=last).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {total} (day, kind, reason, count, revenue) SELECT day, kind, reason, SUM(count), "
            f"SUM(revenue) FROM {funnel} WHERE day >= %s AND day <= %s GROUP BY day, kind, reason", [first, last])
        for dimension in SLICED:
            cursor.execute(
                f"INSERT INTO {part} (day, dimension, value, kind, count) SELECT day, %s, {dimension}, kind, "
                f"SUM(count) FROM {funnel} WHERE day >= %s AND day <= %s GROUP BY day, {dimension}, kind",
                [dimension, first, last])


def _book_rows(day, start, end, subs, attributor, rate):
    """Checkouts, payments and new subscriptions by the funnel's dimensions, and attribution."""
    funnel: dict[tuple, list] = defaultdict(lambda: [0, Fraction()])
    attribution: dict[tuple, list] = defaultdict(lambda: [0, Fraction()])
    for sub in subs:
        started = start <= sub.created_at < end
        paid = [c for c in sub.charges if start <= c.at < end]
        if not started and not paid:
            continue
        who = attributor.of(sub)
        dims = ("", who["section"], who["referrer"], who["device"], who["channel"], "")
        if started:
            funnel[("checkout", *dims)][0] += 1
        first = sub.first_paid
        for charge in paid:
            value = metrics.after_gst(charge.amount, rate)
            funnel[("payment", *dims)][0] += 1
            funnel[("payment", *dims)][1] += value
            if charge.at == first:
                funnel[("subscription", *dims)][0] += 1
                funnel[("subscription", *dims)][1] += value
                key = (who["article_id"], who["headline"], who["section"], who["referrer"])
                attribution[key][0] += 1
                attribution[key][1] += value
    rows = [FunnelDay(day=day, **dict(zip(DIMENSIONS, key)), count=n, revenue=round(value))
            for key, (n, value) in funnel.items()]
    credited = [AttributionDay(day=day, article_id=a, headline=h[:300], section=s, referrer=r, subscriptions=n,
                               revenue=round(value)) for (a, h, s, r), (n, value) in attribution.items()]
    return rows, credited


def _experiment_rows(day, start, end, subs, attributor, rate) -> list[ExperimentDay]:
    rows = []
    experiments = Experiment.objects.filter(started_at__lt=end).exclude(stopped_at__lt=start)
    for experiment in experiments:
        arms: dict[str, ExperimentDay] = {}

        def arm(slug):
            if slug not in arms:
                arms[slug] = ExperimentDay(experiment=experiment, arm=slug, day=day)
            return arms[slug]

        for slug, n in (Assignment.objects.filter(experiment=experiment, day=day, carried=False)
                        .values_list("arm").annotate(n=Count("id")).order_by()):
            arm(slug).readers = n
        prefix = f"{experiment.slug}:"
        for variant, n in (Event.objects.filter(day=day, kind="paywall_view", variant__startswith=prefix)
                           .values_list("variant").annotate(n=Count("id")).order_by()):
            arm(variant[len(prefix):]).paywall_views = n
        for sub in subs:
            started = start <= sub.created_at < end
            first = sub.first_paid
            new = first is not None and start <= first < end
            if not (started or new):
                continue
            who = attributor.of(sub)["reader"]
            if not who:
                continue
            slug = attributor.arm(experiment.id, who)
            if slug is None:
                continue
            if started:
                arm(slug).checkouts += 1
            if new:
                arm(slug).subscriptions += 1
                charge = next(c for c in sub.charges if c.at == first)
                arm(slug).revenue += round(metrics.after_gst(charge.amount, rate))
        rows.extend(arms.values())
    return rows


def rollup_day(day: dt.date, subs, attributor, tz, rate, gifts=()) -> tuple[int, bool]:
    """Rewrite one day's rollups. Returns (raw events read, kept earlier funnel counts)."""
    start, end = day_bounds(day, tz)
    with transaction.atomic():
        has_raw = Event.objects.filter(day=day).exists()
        before = RolledUpDay.objects.filter(day=day).first()
        keep = not has_raw and before is not None and before.events > 0
        days = FunnelDay.objects.filter(day=day)
        (days.filter(kind__in=BOOK_KINDS) if keep else days).delete()
        events = _funnel_from_events(day) if has_raw else 0
        books, credited = _book_rows(day, start, end, subs, attributor, rate)
        FunnelDay.objects.bulk_create(books, batch_size=2000)
        summarise_funnel(day, day)
        AttributionDay.objects.filter(day=day).delete()
        AttributionDay.objects.bulk_create(credited)
        RevenueDay.objects.filter(day=day).delete()
        RevenueDay.objects.bulk_create([
            RevenueDay(day=day, plan=plan, active=f.active, mrr=round(f.mrr), checkouts=f.checkouts, new=f.new,
                       renewed=f.renewed, recovered=f.recovered, failed=f.failed, cancelled=f.cancelled,
                       ended_voluntary=f.ended_voluntary, ended_involuntary=f.ended_involuntary, refunds=f.refunds,
                       refunded=f.refunded, revenue=round(f.revenue), gifts=f.gifts)
            for plan, f in sorted(metrics.period_figures(subs, start, end, rate, gifts).items())
        ])
        if not keep:  # an arm's paywall views come from the raw events: kept with them
            ExperimentDay.objects.filter(day=day).delete()
            ExperimentDay.objects.bulk_create(_experiment_rows(day, start, end, subs, attributor, rate))
        RolledUpDay.objects.update_or_create(
            day=day, defaults={"events": before.events if keep else events, "rolled_up_at": clock.now()})
    return events, keep


def rollup_months(months: list[dt.date], subs, tz, rate) -> None:
    """Rewrite the churn and retention figures of these months."""
    now = clock.now()
    for month in months:
        start = day_bounds(month, tz)[0]
        end = min(day_bounds(next_month(month), tz)[0], now)
        if end <= start:
            continue
        f = metrics.month_figures(subs, start, end, rate)
        MonthRevenue.objects.update_or_create(month=month, defaults=dict(
            active_start=f.active_start, active_end=f.active_end, mrr_start=f.mrr_start, mrr_end=f.mrr_end,
            mrr_retained=f.mrr_retained, lost_voluntary=f.lost_voluntary, lost_involuntary=f.lost_involuntary))


def rollup_cohorts(subs, tz) -> int:
    """Rewrite the cohort table from the first payment's month to now."""
    firsts = [s.first_paid for s in subs if s.first_paid is not None]
    with transaction.atomic():
        CohortCell.objects.all().delete()
        if not firsts:
            return 0
        now = clock.now()
        month = month_start(min(firsts).astimezone(tz).date())
        months = []
        while day_bounds(month, tz)[0] <= now:
            months.append(month)
            month = next_month(month)
        bounds = [day_bounds(m, tz)[0] for m in months] + [day_bounds(month, tz)[0]]
        cells = metrics.cohorts(subs, bounds, now)
        CohortCell.objects.bulk_create([
            CohortCell(cohort=months[i], age=age, size=size, retained=retained)
            for (i, age), (size, retained) in sorted(cells.items())
        ])
        return len(cells)


def rollup_days(first: dt.date, last: dt.date, *, progress=None) -> Summary:
    """Roll up every day from first to last (inclusive), then their months and the cohorts."""
    if last < first:
        raise ValueError("the last day comes before the first")
    tz = zone()
    rate = _rate()
    subs = history.load()
    gifts = history.gifts()
    attributor = Attributor(subs, day_bounds(first, tz)[0], day_bounds(last, tz)[1])
    summary = Summary()
    total = (last - first).days + 1
    months = []
    for i in range(total):
        day = first + dt.timedelta(days=i)
        events, kept = rollup_day(day, subs, attributor, tz, rate, gifts)
        summary.days += 1
        summary.events += events
        summary.kept += kept
        if month_start(day) not in months:
            months.append(month_start(day))
        if progress:
            progress(i + 1, total)
    rollup_months(months, subs, tz, rate)
    rollup_cohorts(subs, tz)
    return summary


def rollup_recent(now: dt.datetime | None = None) -> str:
    """The scheduled job: yesterday (late events, the day's last renewals) and today so far."""
    from masthead.analytics import events as raw_events
    from masthead.analytics import experiments

    raw_events.flush()
    experiments.flush_assignments()
    today = (now or clock.now()).astimezone(zone()).date()
    return rollup_days(today - dt.timedelta(days=1), today).as_line()


def purge_raw_events(now: dt.datetime | None = None) -> int:
    """Delete raw events older than MASTHEAD_ANALYTICS_RAW_DAYS (their rollups stay)."""
    keep = settings.MASTHEAD_ANALYTICS_RAW_DAYS
    if keep <= 0:
        return 0
    before = (now or clock.now()).astimezone(zone()).date() - dt.timedelta(days=keep)
    rolled = RolledUpDay.objects.filter(day__lt=before).values_list("day", flat=True)
    deleted, _ = Event.objects.filter(day__lt=before, day__in=list(rolled)).delete()
    return deleted
