"""The revenue desk's definitions, as pure functions over plain facts (no database, no clock).

The definitions the dashboard prints (DEFINITIONS) are the ones computed here:

- A subscription is *paid* at an instant when a charge covers it (period start <= t <
  period end), the subscription has not ended (refunded with access ended, or expired)
  and the charge was not refunded in full.
- *MRR* is the sum over paid subscriptions of the covering charge's price after GST and
  after any partial refund, divided by the months it covers: a 2-year plan counts 1/24 of
  its price a month. Prices include GST, so after GST is amount x 100 / (100 + rate).
- *ARR* is 12 x MRR. *ARPU* is MRR / paid subscriptions.
- *Churn* for a month: the subscriptions paid at its start that ended during it, over those
  paid at its start; *voluntary* when the reader had cancelled (or was refunded),
  *involuntary* when renewals failed.
- *Net revenue retention* for a month: MRR at its end from the subscriptions paid at its
  start, over MRR at its start (plan changes up and down count; new subscribers do not).
- A *cohort* is the month of a subscription's first payment; its retention at age k is the
  share of the cohort paid at the end of the k-th month after (or now, for this month).
- A *recovery* (dunning) is a payment that follows a failed renewal attempt.
- A *gift* (months of a plan bought once for someone else) is revenue on the day it was
  paid and a refund on the day it was refunded; it never renews, so it adds nothing to MRR,
  paid subscribers, churn or cohorts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

DEFINITIONS = [
    ("Paid subscription", "A subscription with a payment covering the moment, not ended, not refunded in full."),
    ("MRR", "Monthly recurring revenue: each paid subscription's price after GST (and partial refunds) divided by "
            "the months it covers. A 2-year plan counts 1/24 of its price each month."),
    ("ARR", "12 × MRR."),
    ("ARPU", "Average revenue per paid subscriber: MRR ÷ paid subscriptions."),
    ("New", "Subscriptions whose first payment fell in the period."),
    ("Renewed", "Payments after the first; recoveries are renewals paid after a failed attempt (dunning)."),
    ("Cancelled", "Readers who turned off renewal in the period (they keep access until the period paid for ends)."),
    ("Churn", "Of the subscriptions paid at the start of a month, the share that ended during it. Voluntary: the "
              "reader had cancelled or was refunded. Involuntary: renewal payments failed."),
    ("Net revenue retention", "MRR at a month's end from the subscriptions paid at its start, ÷ MRR at its start."),
    ("Cohort retention", "Subscriptions grouped by the month of their first payment: the share still paid at the end "
                         "of each later month."),
    ("Gifts", "Gift subscriptions paid in the period, under the plan given. Their price after GST is revenue on the "
              "day of payment (and a refund, if refunded); they never renew, so they are not in MRR or churn."),
    ("Conversion", "Each funnel step ÷ the step before it."),
]


@dataclass(frozen=True)
class Charge:
    """One successful payment: what it paid for and what was refunded of it, and when."""

    amount: int                 # paise, GST included
    months: int                 # the term it covers
    start: dt.datetime
    end: dt.datetime
    at: dt.datetime
    plan: str
    refunds: tuple[tuple[dt.datetime, int], ...] = ()

    def net_at(self, t: dt.datetime) -> int:
        """The amount kept at t (refunds made by t taken off)."""
        return self.amount - sum(amount for when, amount in self.refunds if when <= t)


@dataclass(frozen=True)
class SubscriptionFacts:
    """A subscription's life as the books show it."""

    id: int
    plan: str
    created_at: dt.datetime
    charges: tuple[Charge, ...] = ()
    failures: tuple[dt.datetime, ...] = ()
    cancelled_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    refunded: bool = False      # ended by a refund (counted as voluntary)

    @property
    def first_paid(self) -> dt.datetime | None:
        return min((c.at for c in self.charges), default=None)


@dataclass(frozen=True)
class GiftFacts:
    """A gift's payment as the books show it: one charge, and what was refunded of it."""

    id: int
    plan: str
    amount: int                 # paise, GST included
    paid_at: dt.datetime
    refunds: tuple[tuple[dt.datetime, int], ...] = ()


def after_gst(amount: int, rate: int) -> Fraction:
    """A GST-inclusive amount without its GST (exact)."""
    return Fraction(amount * 100, 100 + rate)


def covering(sub: SubscriptionFacts, t: dt.datetime) -> Charge | None:
    """The charge that makes the subscription paid at t, or None."""
    if sub.ended_at is not None and sub.ended_at <= t:
        return None
    for charge in sub.charges:
        if charge.start <= t < charge.end and charge.net_at(t) > 0:
            return charge
    return None


def monthly_value(charge: Charge, t: dt.datetime, rate: int) -> Fraction:
    """One charge's contribution to MRR at t."""
    return after_gst(charge.net_at(t), rate) / charge.months


def mrr_by_plan(subs, t: dt.datetime, rate: int) -> dict[str, Fraction]:
    """Exact MRR (paise) per plan at t."""
    found: dict[str, Fraction] = defaultdict(Fraction)
    for sub in subs:
        charge = covering(sub, t)
        if charge is not None:
            found[charge.plan] += monthly_value(charge, t, rate)
    return dict(found)


def mrr(subs, t: dt.datetime, rate: int) -> int:
    """MRR at t in whole paise (rounded half to even once, after summing exactly)."""
    return round(sum(mrr_by_plan(subs, t, rate).values(), Fraction()))


def active_by_plan(subs, t: dt.datetime) -> dict[str, int]:
    """Paid subscriptions per plan at t."""
    found: dict[str, int] = defaultdict(int)
    for sub in subs:
        charge = covering(sub, t)
        if charge is not None:
            found[charge.plan] += 1
    return dict(found)


def arpu(mrr_paise: int, active: int) -> int:
    """Average revenue per paid subscriber (paise a month); 0 with none."""
    return round(Fraction(mrr_paise, active)) if active else 0


def _in(t: dt.datetime | None, start: dt.datetime, end: dt.datetime) -> bool:
    return t is not None and start <= t < end


def recoveries(sub: SubscriptionFacts) -> list[dt.datetime]:
    """The payments that came after a failed attempt (with no payment in between)."""
    events = sorted([(c.at, "charge") for c in sub.charges] + [(f, "failure") for f in sub.failures])
    found, failing = [], False
    for when, what in events:
        if what == "failure":
            failing = True
        elif failing:
            found.append(when)
            failing = False
    return found


@dataclass
class PlanDay:
    """One plan's figures for one period [start, end) (RevenueDay's columns)."""

    active: int = 0
    mrr: Fraction = field(default_factory=Fraction)
    checkouts: int = 0
    new: int = 0
    renewed: int = 0
    recovered: int = 0
    failed: int = 0
    cancelled: int = 0
    ended_voluntary: int = 0
    ended_involuntary: int = 0
    refunds: int = 0
    refunded: int = 0
    revenue: Fraction = field(default_factory=Fraction)
    gifts: int = 0


def period_figures(subs, start: dt.datetime, end: dt.datetime, rate: int, gifts=()) -> dict[str, PlanDay]:
    """Per plan: who was paid at the end, and what happened during [start, end), gifts'
    payments and refunds included."""
    days: dict[str, PlanDay] = defaultdict(PlanDay)
    for gift in gifts:
        if _in(gift.paid_at, start, end):
            days[gift.plan].gifts += 1
            days[gift.plan].revenue += after_gst(gift.amount, rate)
        for when, amount in gift.refunds:
            if _in(when, start, end):
                days[gift.plan].refunds += 1
                days[gift.plan].refunded += amount
    last = end - dt.timedelta(microseconds=1)
    for sub in subs:
        charge = covering(sub, last)
        if charge is not None:
            days[charge.plan].active += 1
            days[charge.plan].mrr += monthly_value(charge, last, rate)
        if _in(sub.created_at, start, end):
            days[sub.plan].checkouts += 1
        first = sub.first_paid
        recovered = set(recoveries(sub))
        for c in sub.charges:
            if _in(c.at, start, end):
                row = days[c.plan]
                row.revenue += after_gst(c.amount, rate)
                if c.at == first:
                    row.new += 1
                else:
                    row.renewed += 1
                    row.recovered += c.at in recovered
            for when, amount in c.refunds:
                if _in(when, start, end):
                    days[c.plan].refunds += 1
                    days[c.plan].refunded += amount
        days[sub.plan].failed += sum(1 for f in sub.failures if _in(f, start, end))
        if _in(sub.cancelled_at, start, end):
            days[sub.plan].cancelled += 1
        if _in(sub.ended_at, start, end) and sub.charges:
            if sub.cancelled_at is not None or sub.refunded:
                days[sub.plan].ended_voluntary += 1
            else:
                days[sub.plan].ended_involuntary += 1
    return dict(days)


@dataclass(frozen=True)
class MonthFigures:
    active_start: int
    active_end: int
    mrr_start: int
    mrr_end: int
    mrr_retained: int
    lost_voluntary: int
    lost_involuntary: int

    @property
    def churn(self) -> float | None:
        return (self.lost_voluntary + self.lost_involuntary) / self.active_start if self.active_start else None

    @property
    def voluntary_churn(self) -> float | None:
        return self.lost_voluntary / self.active_start if self.active_start else None

    @property
    def involuntary_churn(self) -> float | None:
        return self.lost_involuntary / self.active_start if self.active_start else None

    @property
    def net_revenue_retention(self) -> float | None:
        return self.mrr_retained / self.mrr_start if self.mrr_start else None


def month_figures(subs, start: dt.datetime, end: dt.datetime, rate: int) -> MonthFigures:
    """Churn and net revenue retention for the month [start, end) (end may be now)."""
    last = end - dt.timedelta(microseconds=1)
    at_start = [s for s in subs if covering(s, start) is not None]
    lost = [s for s in at_start if _in(s.ended_at, start, end)]
    voluntary = sum(1 for s in lost if s.cancelled_at is not None or s.refunded)
    return MonthFigures(
        active_start=len(at_start),
        active_end=sum(1 for s in subs if covering(s, last) is not None),
        mrr_start=mrr(subs, start, rate),
        mrr_end=mrr(subs, last, rate),
        mrr_retained=mrr(at_start, last, rate),
        lost_voluntary=voluntary,
        lost_involuntary=len(lost) - voluntary,
    )


def cohorts(subs, month_starts: list[dt.datetime], now: dt.datetime) -> dict[tuple[int, int], tuple[int, int]]:
    """{(cohort index, age): (size, retained)} over consecutive months (each [m_i, m_i+1)).

    `month_starts` holds the months' first instants in the publication's zone, plus the
    start of the month after the last one; ages run while the month has begun by `now`.
    """
    found: dict[tuple[int, int], tuple[int, int]] = {}
    members: dict[int, list[SubscriptionFacts]] = defaultdict(list)
    for sub in subs:
        first = sub.first_paid
        if first is None:
            continue
        for i in range(len(month_starts) - 1):
            if month_starts[i] <= first < month_starts[i + 1]:
                members[i].append(sub)
                break
    for i, group in members.items():
        for j in range(i, len(month_starts) - 1):
            if month_starts[j] > now:
                break
            t = min(month_starts[j + 1] - dt.timedelta(microseconds=1), now)
            found[(i, j - i)] = (len(group), sum(1 for s in group if covering(s, t) is not None))
    return found
