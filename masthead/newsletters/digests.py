"""Automatic digests and the periodic send: what `masthead worker` runs every few minutes.

A digest list gathers the latest live stories from its sections (or the editors' picks)
published since its last digest, on its cadence (daily at `send_hour`, weekly on
`send_weekday`, in the publication's time zone). When there is nothing new, no issue is
made and nothing is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from masthead.content.models import Article
from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.core.dates import long_date
from masthead.newsletters import sending
from masthead.newsletters.models import Issue, IssueArticle, NewsletterList

PERIOD = {NewsletterList.Cadence.DAILY: dt.timedelta(days=1), NewsletterList.Cadence.WEEKLY: dt.timedelta(days=7)}


def last_slot(newsletter: NewsletterList, now: dt.datetime) -> dt.datetime | None:
    """The latest moment at or before `now` a digest of this list was due (None: not a digest)."""
    if newsletter.kind != NewsletterList.Kind.DIGEST or newsletter.cadence not in PERIOD:
        return None
    zone = current_publication().zone
    local = now.astimezone(zone)
    slot = local.replace(hour=min(newsletter.send_hour, 23), minute=0, second=0, microsecond=0)
    if newsletter.cadence == NewsletterList.Cadence.WEEKLY:
        slot -= dt.timedelta(days=(local.weekday() - newsletter.send_weekday) % 7)
    if slot > local:
        slot -= PERIOD[newsletter.cadence]
    # Rebuild in the zone (a day on which the offset changes keeps its wall-clock hour).
    slot = dt.datetime(slot.year, slot.month, slot.day, slot.hour, tzinfo=zone)
    return slot.astimezone(dt.timezone.utc)


def stories_since(newsletter: NewsletterList, since: dt.datetime, now: dt.datetime):
    """Live stories for the digest published after `since`, newest first."""
    wanted = Q()
    sections = list(newsletter.digest_sections.values_list("pk", flat=True))
    if sections:
        wanted |= Q(section_id__in=sections)
    if newsletter.digest_editors_picks:
        wanted |= Q(is_editors_pick=True)
    if not wanted:
        return Article.objects.none()
    return (Article.objects.live(now).filter(wanted, published_at__gt=since)
            .order_by("-published_at", "-pk")[: newsletter.digest_size])


def build_digest(newsletter: NewsletterList, now: dt.datetime | None = None) -> Issue | None:
    """Make the digest due now, if one is due and there is something new; else None."""
    now = now or clock.now()
    slot = last_slot(newsletter, now)
    if slot is None:
        return None
    with transaction.atomic():
        newsletter = NewsletterList.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.last_digest_at is not None and newsletter.last_digest_at >= slot:
            return None
        since = newsletter.last_digest_at or (slot - PERIOD[newsletter.cadence])
        stories = list(stories_since(newsletter, since, now))
        newsletter.last_digest_at = now
        newsletter.save(update_fields=["last_digest_at"])
        if not stories:
            return None  # nothing new: skipped, and the slot counts as done
        day = long_date(now, current_publication().zone)
        issue = Issue.objects.create(
            newsletter=newsletter, subject=f"{newsletter.name}: {day}", is_digest=True,
            status=Issue.Status.SCHEDULED, send_at=now,
        )
        IssueArticle.objects.bulk_create(
            [IssueArticle(issue=issue, article=a, position=n) for n, a in enumerate(stories)])
    return issue


@dataclass
class RunReport:
    digests: list[int] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)

    def as_line(self) -> str:
        return f"{len(self.digests)} digests made; " + ("; ".join(self.sent) or "nothing to send")


def run_due(now: dt.datetime | None = None) -> RunReport:
    """Make the digests due, send every issue whose time has come, resume stopped sends."""
    now = now or clock.now()
    result = RunReport()
    for newsletter in NewsletterList.objects.filter(is_active=True, kind=NewsletterList.Kind.DIGEST):
        issue = build_digest(newsletter, now)
        if issue is not None:
            result.digests.append(issue.pk)
    due = Issue.objects.filter(
        Q(status=Issue.Status.SCHEDULED, send_at__lte=now) | Q(status=Issue.Status.SENDING)
    ).order_by("send_at", "pk")
    for issue in due:
        result.sent.append(sending.send_issue(issue).as_line())
    return result
