"""The archive by day: how many live stories each local day holds, kept as stories change.

The archive's year, month and day lists and the sitemap index need a count and a lastmod
per period. Counted from the articles, the years list is a range over every story (a
million index entries at full size) and the sitemap index a Max per year; read from
``ArchiveDay`` it is one small row per day with stories, about 11,000 since 1997.

A row counts the day's stories in a live state (published or scheduled) whatever the
time: every such story of a day before today is live, so the rows answer for every day
before today, and ``periods()`` counts today (where a scheduled story goes out at its time,
with no save) from the articles, one day's range.

Kept by the receivers in ContentConfig.ready(): a story saved or deleted recounts its day,
and the day it left when its publication time moved (one day's range each, under a lock
on the day's row, so two saves of one day cannot both miss the other). Writes that send
no signal (a queryset's update, bulk inserts) are caught by ``rebuild()``: the generated
archive runs it, and the worker runs it every night (masthead.schedule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Max, Min, Sum

from masthead.content.models import LIVE_STATES, Article, ArchiveDay
from masthead.content.publication import current_publication
from masthead.core import clock

Progress = Callable[[int, int], None]


def local_day(moment: dt.datetime) -> dt.date:
    return current_publication().local(moment).date()


def day_range(first: dt.date, after: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the start of local day ``first`` to before the start of ``after``."""
    zone = current_publication().zone
    return (dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            dt.datetime.combine(after, dt.time.min, tzinfo=zone))


def _in_live_state():
    return Article.objects.filter(status__in=LIVE_STATES)


def recount(*days: dt.date | None) -> None:
    """Count these days again from the articles (a day left without stories loses its row)."""
    for day in sorted({d for d in days if d is not None}):
        start, end = day_range(day, day + dt.timedelta(days=1))
        with transaction.atomic():
            # The day's row, locked: one recount of a day at a time.
            ArchiveDay.objects.select_for_update().get_or_create(
                day=day, defaults={"year": day.year, "month": day.month, "stories": 0, "last_modified": start})
            found = _in_live_state().filter(published_at__gte=start, published_at__lt=end).aggregate(
                stories=Count("pk"), updated=Max("updated_at"), published=Max("published_at"))
            stories = found["stories"]
            if not stories:
                ArchiveDay.objects.filter(day=day).delete()
                continue
            moments = [m for m in (found["updated"], found["published"]) if m is not None]
            ArchiveDay.objects.filter(day=day).update(stories=stories, last_modified=max(moments))


def rebuild(progress: Progress | None = None) -> int:
    """Every day's row again from the articles, a year at a time (one range read each);
    returns how many days hold stories."""
    span = _in_live_state().filter(published_at__isnull=False).aggregate(first=Min("published_at"),
                                                                         last=Max("published_at"))
    oldest, newest = span["first"], span["last"]
    if oldest is None:
        with transaction.atomic():
            ArchiveDay.objects.all().delete()
        return 0
    first, last = local_day(oldest).year, local_day(newest).year
    years = list(range(first, last + 1))
    written = 0
    for done, year in enumerate(years, 1):
        start, end = day_range(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        rows: dict[dt.date, list] = {}
        for published, updated in (_in_live_state().filter(published_at__gte=start, published_at__lt=end)
                                   .values_list("published_at", "updated_at").order_by().iterator(chunk_size=5000)):
            day = local_day(published)
            entry = rows.setdefault(day, [0, published])
            entry[0] += 1
            entry[1] = max(entry[1], published, updated or published)
        with transaction.atomic():
            ArchiveDay.objects.filter(day__gte=dt.date(year, 1, 1), day__lt=dt.date(year + 1, 1, 1)).delete()
            ArchiveDay.objects.bulk_create([ArchiveDay(day=day, year=day.year, month=day.month, stories=n,
                                                       last_modified=moment)
                                            for day, (n, moment) in rows.items()], batch_size=1000)
        written += len(rows)
        if progress:
            progress(done, len(years))
    with transaction.atomic():
        ArchiveDay.objects.exclude(day__gte=dt.date(first, 1, 1), day__lt=dt.date(last + 1, 1, 1)).delete()
    return written


def periods(kind: str, first: dt.date, after: dt.date) -> dict[dt.date, tuple[int, dt.datetime]]:
    """{first day of the period: (stories, last modified)} of each local year, month or day
    (`kind`) in [first, after) with live stories: the day rows before today grouped by the
    database, today's live stories counted from the articles (one day's range)."""
    today = local_day(clock.now())
    rows = ArchiveDay.objects.filter(day__gte=first, day__lt=min(after, today)).order_by()
    found: dict[dt.date, tuple[int, dt.datetime]] = {}
    if kind == "day":
        found = {day: (n, moment) for day, n, moment in rows.values_list("day", "stories", "last_modified")}
    else:
        keys = ["year"] if kind == "year" else ["year", "month"]
        for row in rows.values(*keys).annotate(n=Sum("stories"), moment=Max("last_modified")):
            found[dt.date(row["year"], row.get("month", 1), 1)] = (row["n"], row["moment"])
    if first <= today < after:
        start, end = day_range(today, today + dt.timedelta(days=1))
        latest = Article.objects.live_between(start, end).aggregate(
            stories=Count("pk"), updated=Max("updated_at"), published=Max("published_at"))
        if latest["stories"]:
            key = {"year": today.replace(month=1, day=1), "month": today.replace(day=1)}.get(kind, today)
            n, moment = found.get(key, (0, None))
            moments = [m for m in (moment, latest["updated"], latest["published"]) if m is not None]
            found[key] = (n + latest["stories"], max(moments))
    return found


# --- the receivers (ContentConfig.ready()) ----------------------------------------------------
# What a day's row holds follows these fields; a save of others (picks, a lead picture)
# leaves every row as it was.
COUNTED_FIELDS = frozenset({"published_at", "status", "updated_at"})


def _counts_unchanged(update_fields) -> bool:
    return update_fields is not None and not (set(update_fields) & COUNTED_FIELDS)


def article_saving(sender=None, instance=None, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save of an Article: remember the day it is leaving, if its time moves."""
    if raw or instance is None or instance.pk is None or _counts_unchanged(update_fields):
        return
    before = Article.objects.filter(pk=instance.pk).values_list("published_at", flat=True).first()
    instance._archive_day_before = local_day(before) if before else None


def article_saved(sender=None, instance=None, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance is None or _counts_unchanged(update_fields):
        return
    before = getattr(instance, "_archive_day_before", None)
    recount(before, local_day(instance.published_at) if instance.published_at else None)


def article_deleted(sender=None, instance=None, **kwargs) -> None:
    if instance is not None and instance.published_at is not None:
        recount(local_day(instance.published_at))
