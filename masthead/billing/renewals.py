"""Finding what is due and renewing it: the work behind `masthead renew` and the schedule.

Each subscription is renewed in its own transaction by billing.actions, so a run
can be stopped at any point and started again: what committed is done, what did not
is found due again and retried with the same idempotency key.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils.module_loading import import_string

from masthead.billing import actions
from masthead.billing.models import Subscription
from masthead.billing.states import State
from masthead.core import clock, metrics

Progress = Callable[[str, int, int], None]
log = logging.getLogger(__name__)


@dataclass
class RenewalReport:
    notices: int = 0
    renewed: int = 0
    failed: int = 0
    ended: int = 0
    reconciled: int = 0
    errors: int = 0

    def as_line(self) -> str:
        line = (f"{self.notices} notices sent, {self.renewed} renewed, {self.failed} failed, "
                f"{self.ended} ended, {self.reconciled} reconciled")
        return line + (f", {self.errors} errors (see the log; retried next run)" if self.errors else "")


def gateways_that_renew_themselves() -> list[str]:
    return [name for name, path in settings.MASTHEAD_BILLING_GATEWAYS.items()
            if getattr(import_string(path), "renews_itself", False)]


# Subscriptions whose next charge is a period's end away: active ones, and free trials
# (whose first charge gets the same pre-debit notice).
ONCOMING = [State.ACTIVE.value, State.TRIALING.value]


def due_for_notice(now: dt.datetime):
    lead = dt.timedelta(hours=settings.MASTHEAD_BILLING_NOTICE_HOURS)
    return (Subscription.objects.filter(state__in=ONCOMING, current_period_end__lte=now + lead)
            .exclude(notice_sent_for=F("current_period_end")))


def due_for_charge(now: dt.datetime):
    return Subscription.objects.filter(
        Q(state__in=ONCOMING, current_period_end__lte=now, notice_sent_for=F("current_period_end"),
          notice_sent_at__lte=now - dt.timedelta(hours=24))
        | Q(state=State.PAST_DUE.value, next_retry_at__lte=now)
    ).exclude(gateway__in=gateways_that_renew_themselves())


def due_to_end(now: dt.datetime):
    return Subscription.objects.filter(
        Q(state=State.CANCELLED.value, current_period_end__lte=now)
        | Q(state=State.PAST_DUE.value, next_retry_at__isnull=True, grace_until__lte=now)
    )


def due_for_reconcile(now: dt.datetime):
    return Subscription.objects.filter(
        state__in=[*ONCOMING, State.PAST_DUE.value], current_period_end__lte=now,
        gateway__in=gateways_that_renew_themselves(),
    )


def _each(stage: str, ids: list[int], work: Callable[[int], object], progress: Progress | None) -> list:
    """Run one stage; a subscription that fails is logged and left for the next run, so one
    bad row never holds up the rest (its transaction rolled back: nothing half-done)."""
    results = []
    total = len(ids)
    for done, sub_id in enumerate(ids, 1):
        try:
            results.append(work(sub_id))
        except Exception:
            log.exception("billing %s: subscription %s failed; it will be retried on the next run", stage, sub_id)
            results.append("error")
        if progress and (done == total or done % 1000 == 0):
            progress(stage, done, total)
    return results


def renew_due(*, now: dt.datetime | None = None, progress: Progress | None = None, limit: int | None = None) -> RenewalReport:
    """Send notices, charge what is due, end what is over, reconcile provider-side renewals."""
    now = now or clock.now()
    report = RenewalReport()

    def ids(queryset) -> list[int]:
        queryset = queryset.order_by("current_period_end", "pk").values_list("pk", flat=True)
        return list(queryset[:limit] if limit else queryset)

    sent = _each("notices", ids(due_for_notice(now)), lambda pk: actions.send_renewal_notice(pk, now=now), progress)
    report.notices = sent.count(True)
    results = _each("renewals", ids(due_for_charge(now)), lambda pk: actions.renew_subscription(pk, now=now), progress)
    report.renewed = results.count("renewed")
    report.failed = results.count("failed")
    ended = _each("endings", ids(due_to_end(now)), lambda pk: actions.end_finished(pk, now=now), progress)
    report.ended = ended.count(True)
    counts = _each("reconcile", ids(due_for_reconcile(now)), actions.reconcile_subscription, progress)
    report.reconciled = sum(c for c in counts if isinstance(c, int))
    report.errors = sum(stage.count("error") for stage in (sent, results, ended, counts))
    metrics.renewal_run(report)
    return report
