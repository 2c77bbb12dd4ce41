"""Sending an issue: one Delivery row per recipient, each claimed before it is handed over.

    start(issue)            # draft/scheduled -> sending: a row per confirmed, unsuppressed address
    send_issue(issue)       # hand every pending row to the mail server, batched and rate-limited

A row goes pending -> sending (committed) -> sent. The claim is a conditional update, so
two senders never take one row; a rerun after a crash or a kill takes only rows still
pending, so nobody receives an issue twice. A row a crash left "sending" was perhaps
handed over and perhaps not: it is counted as unknown and never resent by itself (staff
may release such rows in the admin after checking the mail server's log).
A refusal the server states (5xx at RCPT or DATA) fails the row and suppresses the
address when it names the recipient; a temporary one (4xx) leaves it pending for the next
run; a lost connection stops the run.
"""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connections, router, transaction
from django.db.models import Count

from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_reader
from masthead.core import clock
from masthead.newsletters import actions, mail
from masthead.newsletters.models import Delivery, Issue, Signup, Suppression
from masthead.newsletters.render import IssueRenderer, Recipient

CREATE_BATCH = 2000
TABLE = Delivery._meta.db_table


def connection_for_writes():
    return connections[router.db_for_write(Delivery)]


@dataclass
class SendReport:
    issue_id: int
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0
    pending: int = 0
    sent_now: int = 0
    seconds: float = 0.0

    def as_line(self) -> str:
        rate = self.sent_now / self.seconds if self.seconds else 0.0
        line = (f"issue {self.issue_id}: {self.sent} sent, {self.failed} failed, {self.skipped} skipped, "
                f"{self.pending} waiting of {self.total}; {self.sent_now} sent in this run ({rate:.0f}/s)")
        if self.unknown:
            line += f"; {self.unknown} handed over when a run stopped (outcome unknown, not resent)"
        return line


def counts(issue: Issue) -> dict[str, int]:
    """Deliveries by status (the admin's progress and the command's summary)."""
    found = {status: 0 for status in Delivery.Status.values}
    for row in Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk")):
        found[row["status"]] = row["n"]
    return found


def report(issue: Issue, **extra) -> SendReport:
    found = counts(issue)
    return SendReport(
        issue.pk, total=sum(found.values()), sent=found["sent"], failed=found["failed"],
        skipped=found["skipped"], unknown=found["sending"], pending=found["pending"], **extra,
    )


def start(issue: Issue) -> Issue:
    """Fix the recipient list (once): a row per confirmed address not suppressed.

    Run again on an issue already sending, it changes nothing, so a rerun sends to the
    people the first run meant and no one else.
    """
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status in (Issue.Status.SENDING, Issue.Status.SENT):
            return issue
        suppressed = Suppression.objects.values("email")
        signups = (Signup.objects.filter(newsletter_id=issue.newsletter_id, status=Signup.Status.CONFIRMED)
                   .exclude(email__in=suppressed).order_by("pk").values_list("pk", "email"))
        batch = []
        for signup_id, email in signups.iterator(chunk_size=CREATE_BATCH):
            batch.append(Delivery(issue=issue, signup_id=signup_id, email=email))
            if len(batch) >= CREATE_BATCH:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
        issue.status = Issue.Status.SENDING
        issue.started_at = clock.now()
        issue.save(update_fields=["status", "started_at"])
    return issue


class RateLimit:
    """At most `per_second` messages a second (0: no limit), smoothed over the run."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def _no_delay(backend) -> None:
    """Send each SMTP command at once (TCP_NODELAY): smtplib writes a message in several small
    pieces, and Nagle's algorithm would hold each until the server's delayed ACK, about 40 ms
    a message."""
    sock = getattr(getattr(backend, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket
            pass


def _claim(delivery_id: int) -> bool:
    """Take one pending row for this run (committed before the message is handed over).

    Plain SQL: this and `_finish` run twice per message, and the ORM's query building
    would cost more than the write itself.
    """
    db = connection_for_writes()
    with db.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET status = %s, claimed_at = %s WHERE id = %s AND status = %s",
                       [Delivery.Status.SENDING, db.ops.adapt_datetimefield_value(clock.now()), delivery_id,
                        Delivery.Status.PENDING])
        return cursor.rowcount == 1


def _finish(delivery_id: int, status: str, detail: str = "") -> None:
    db = connection_for_writes()
    sent_at = db.ops.adapt_datetimefield_value(clock.now()) if status == Delivery.Status.SENT else None
    with db.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET status = %s, detail = %s, sent_at = %s WHERE id = %s",
                       [status, detail[:300], sent_at, delivery_id])


def _recipient(delivery: Delivery) -> Recipient:
    user = delivery.signup.user if delivery.signup_id and delivery.signup else None
    if user is not None and not user.is_active:
        user = None
    benefits = for_reader(user, now=clock.now()) if user is not None else frozenset()
    return Recipient(delivery.email, user=user, signup_id=delivery.signup_id, benefits=benefits)


def _why_skip(issue: Issue, delivery: Delivery, recipient: Recipient, suppressed: set[str]) -> str:
    signup = delivery.signup
    if signup is None or signup.status != Signup.Status.CONFIRMED:
        return "left the list before it was sent"
    if actions.normalise(delivery.email) in suppressed:
        return "address suppressed"
    if issue.newsletter.for_subscribers and Benefit.NEWSLETTERS not in recipient.benefits:
        return "no longer holds the newsletters benefit"
    return ""


def _refusal(exc: smtplib.SMTPException, email: str) -> tuple[int, str]:
    """(SMTP code, text) of a refusal the server stated."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (550, b""))
        return code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    code = getattr(exc, "smtp_code", 0) or 0
    text = getattr(exc, "smtp_error", b"")
    return code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def send_issue(issue: Issue, *, progress: Callable[[int, int], None] | None = None, batch_size: int | None = None,
               rate: float | None = None, connection=None) -> SendReport:
    """Send every pending delivery of the issue (starting it first if need be)."""
    started = time.monotonic()
    mail.check_subject(issue.subject)  # before any row is claimed: a bad subject stops nothing midway
    issue = start(issue)
    if issue.status == Issue.Status.SENT:
        return report(issue)
    batch_size = batch_size or settings.MASTHEAD_NEWSLETTER_BATCH
    limit = RateLimit(settings.MASTHEAD_NEWSLETTER_RATE if rate is None else rate)
    renderer = IssueRenderer(issue)
    before = report(issue)
    total, done = before.total, before.total - before.pending
    sent_now = 0
    retry_later: set[int] = set()  # refused for now (4xx): tried again by the next run
    if progress:
        progress(done, total)
    while True:
        rows = list(Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING)
                    .exclude(pk__in=retry_later).select_related("signup__user").order_by("pk")[:batch_size])
        if not rows:
            break
        # Suppressed since the rows were made (a bounce during the send): one query a batch.
        suppressed = set(Suppression.objects.filter(email__in=[actions.normalise(r.email) for r in rows])
                         .values_list("email", flat=True))
        smtp = connection or get_connection()
        smtp.open()
        _no_delay(smtp)
        try:
            for delivery in rows:
                done += 1
                recipient = _recipient(delivery)
                skip = _why_skip(issue, delivery, recipient, suppressed)
                if skip:
                    _finish(delivery.pk, Delivery.Status.SKIPPED, skip)
                    continue
                if not _claim(delivery.pk):
                    continue  # another sender took it
                message = mail.build(issue.newsletter, recipient, renderer.render(recipient), connection=smtp)
                limit.wait()
                try:
                    message.send()
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    code, text = _refusal(exc, delivery.email)
                    if code >= 500:
                        _finish(delivery.pk, Delivery.Status.FAILED, f"{code} {text}")
                        if isinstance(exc, smtplib.SMTPRecipientsRefused):
                            actions.suppress(delivery.email, Suppression.Reason.BOUNCED, f"{code} {text}")
                    else:
                        _finish(delivery.pk, Delivery.Status.PENDING, f"{code} {text} (will retry)")
                        retry_later.add(delivery.pk)
                    continue
                _finish(delivery.pk, Delivery.Status.SENT)
                sent_now += 1
                if progress and (done % 50 == 0 or done == total):
                    progress(done, total)
        finally:
            if connection is None:
                smtp.close()
    result = report(issue, sent_now=sent_now, seconds=time.monotonic() - started)
    if result.pending == 0:
        Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, finished_at=clock.now())
    if progress:
        progress(total - result.pending, total)
    return result


def release_unknown(issue: Issue) -> int:
    """Put rows a stopped run left "sending" back to pending (staff checked they did not go)."""
    return Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING, detail="released by staff")


def send_test(issue: Issue, user) -> None:
    """The issue as `user` would receive it, to `user`'s own address, marked [Test]; no row kept."""
    renderer = IssueRenderer(issue)
    recipient = Recipient(user.email, user=user, signup_id=0, benefits=for_reader(user, now=clock.now()))
    mail.build(issue.newsletter, recipient, renderer.render(recipient), test=True).send()


def preview(issue: Issue, user=None):
    """The issue as `user` (None: an address without an account) would receive it."""
    renderer = IssueRenderer(issue)
    benefits = for_reader(user, now=clock.now()) if user is not None else frozenset()
    recipient = Recipient(getattr(user, "email", "") or "reader@example.com", user=user, benefits=benefits)
    return renderer.render(recipient).for_links("#unsubscribe", "#preferences")
