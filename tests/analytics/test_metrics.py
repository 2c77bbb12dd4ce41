"""The revenue definitions on hand-built histories, with answers worked out by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from masthead.analytics.metrics import (
    Charge, GiftFacts, SubscriptionFacts, active_by_plan, after_gst, arpu, cohorts, month_figures, mrr, mrr_by_plan,
    period_figures, recoveries,
)

UTC = dt.timezone.utc
GST = 18


def at(month: int, day: int = 1, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, 6, 0, tzinfo=UTC)


def charge(plan: str, amount: int, months: int, start: dt.datetime, end: dt.datetime, refunds=()) -> Charge:
    return Charge(amount=amount, months=months, start=start, end=end, at=start, plan=plan, refunds=tuple(refunds))


QUARTERLY = ("smart-quarterly", 90000, 3)
ESSENTIAL = ("smart-essential", 270000, 12)
SAVER = ("super-saver", 390000, 24)


def one(plan, start, end, sid=1, **kwargs) -> SubscriptionFacts:
    code, amount, months = plan
    return SubscriptionFacts(id=sid, plan=code, created_at=start, charges=(charge(code, amount, months, start, end),),
                             **kwargs)


def test_after_gst_is_exact():
    assert after_gst(390000, GST) == Fraction(39000000, 118)


def test_a_two_year_plan_counts_a_24th_of_its_price_after_gst():
    # 3,900 / 1.18 = 3,305.0847...; / 24 = 137.7119 rupees -> 13,771 paise.
    sub = one(SAVER, at(1), at(1, year=2028))
    assert mrr([sub], at(6), GST) == 13771
    assert mrr([sub], at(1, year=2028), GST) == 0  # the paid period has ended


def test_mrr_of_the_three_reference_plans_is_summed_before_rounding():
    subs = [one(QUARTERLY, at(1), at(4), 1), one(ESSENTIAL, at(1), at(1, year=2027), 2),
            one(SAVER, at(1), at(1, year=2028), 3)]
    # 25,423.7288 + 19,067.7966 + 13,771.1864 = 58,262.7118 paise
    assert mrr(subs, at(2), GST) == 58263
    assert {k: round(v) for k, v in mrr_by_plan(subs, at(2), GST).items()} == {
        "smart-quarterly": 25424, "smart-essential": 19068, "super-saver": 13771}
    assert active_by_plan(subs, at(2)) == {"smart-quarterly": 1, "smart-essential": 1, "super-saver": 1}
    assert arpu(58263, 3) == 19421


def test_a_plan_change_at_renewal_moves_mrr_to_the_new_plan():
    code_q, amount_q, months_q = QUARTERLY
    code_e, amount_e, months_e = ESSENTIAL
    sub = SubscriptionFacts(id=1, plan=code_e, created_at=at(1), charges=(
        charge(code_q, amount_q, months_q, at(1), at(4)),
        charge(code_e, amount_e, months_e, at(4), at(4, year=2027)),
    ))
    assert mrr([sub], at(3, 15), GST) == 25424
    assert mrr([sub], at(4, 15), GST) == 19068
    assert active_by_plan([sub], at(4, 15)) == {"smart-essential": 1}


def test_a_partial_refund_lowers_mrr_from_the_day_it_is_made():
    code, amount, months = ESSENTIAL
    sub = SubscriptionFacts(id=1, plan=code, created_at=at(1), charges=(
        charge(code, amount, months, at(1), at(1, year=2027), refunds=[(at(5), 135000)]),))
    assert mrr([sub], at(4, 30), GST) == 19068
    # 1,350 / 1.18 / 12 = 95.3390 rupees
    assert mrr([sub], at(5, 2), GST) == 9534


def test_a_full_refund_or_an_ended_subscription_counts_nothing():
    code, amount, months = ESSENTIAL
    refunded = SubscriptionFacts(id=1, plan=code, created_at=at(1), charges=(
        charge(code, amount, months, at(1), at(1, year=2027), refunds=[(at(3), amount)]),))
    ended = one(ESSENTIAL, at(1), at(1, year=2027), 2, ended_at=at(3), refunded=True)
    assert mrr([refunded, ended], at(2), GST) == 38136
    assert mrr([refunded, ended], at(3, 2), GST) == 0


def test_monthly_churn_splits_voluntary_and_involuntary_and_nrr_follows_the_starting_subscribers():
    cancelled = one(ESSENTIAL, at(6, 10, 2025), at(6, 10), 1, cancelled_at=at(5, 20), ended_at=at(6, 10))
    failed = one(ESSENTIAL, at(6, 5, 2025), at(6, 5), 2, failures=(at(6, 5), at(6, 6)), ended_at=at(6, 8))
    staying = one(ESSENTIAL, at(3), at(3, year=2027), 3)
    upgraded = SubscriptionFacts(id=4, plan="super-saver", created_at=at(3), charges=(
        charge("smart-quarterly", 90000, 3, at(3), at(6, 15)),
        charge("super-saver", 390000, 24, at(6, 15), at(6, 15, 2028)),
    ))
    joined = one(QUARTERLY, at(6, 20), at(9, 20), 5)
    subs = [cancelled, failed, staying, upgraded, joined]
    f = month_figures(subs, at(6) - dt.timedelta(hours=6), at(7) - dt.timedelta(hours=6), GST)
    assert (f.active_start, f.active_end) == (4, 3)
    assert (f.lost_voluntary, f.lost_involuntary) == (1, 1)
    assert f.churn == 0.5 and f.voluntary_churn == 0.25 and f.involuntary_churn == 0.25
    # Start: 3 x 19,067.7966 + 25,423.7288 = 82,627.1186; retained at the end: 19,067.7966 + 13,771.1864
    assert f.mrr_start == 82627
    assert f.mrr_retained == 32839
    assert round(f.net_revenue_retention, 4) == round(32839 / 82627, 4)
    assert f.mrr_end == 32839 + 25424  # the newcomer counts in MRR, not in retention


def test_a_payment_after_a_failed_attempt_is_a_recovery():
    code, amount, months = QUARTERLY
    sub = SubscriptionFacts(id=1, plan=code, created_at=at(1), failures=(at(4), at(4, 2)), charges=(
        charge(code, amount, months, at(1), at(4)),
        Charge(amount, months, at(4), at(7), at(4, 4), code),
        Charge(amount, months, at(7), at(10), at(7), code),
    ))
    assert recoveries(sub) == [at(4, 4)]
    day = period_figures([sub], at(4, 4) - dt.timedelta(hours=6), at(4, 5) - dt.timedelta(hours=6), GST)
    assert (day[code].renewed, day[code].recovered, day[code].new) == (1, 1, 0)
    failures = period_figures([sub], at(4) - dt.timedelta(hours=6), at(4, 3) - dt.timedelta(hours=6), GST)
    assert failures[code].failed == 2


def test_period_figures_count_what_happened_in_the_period():
    code, amount, months = ESSENTIAL
    new = one(ESSENTIAL, at(3, 10), at(3, 10, 2027), 1)
    cancelled = one(ESSENTIAL, at(1), at(1, year=2027), 2, cancelled_at=at(3, 10))
    pending = SubscriptionFacts(id=3, plan=code, created_at=at(3, 10))
    refunded = SubscriptionFacts(id=4, plan=code, created_at=at(1), charges=(
        charge(code, amount, months, at(1), at(1, year=2027), refunds=[(at(3, 10), 50000)]),))
    day = period_figures([new, cancelled, pending, refunded], at(3, 10) - dt.timedelta(hours=6),
                         at(3, 11) - dt.timedelta(hours=6), GST)[code]
    assert (day.checkouts, day.new, day.renewed, day.cancelled) == (2, 1, 0, 1)
    assert (day.refunds, day.refunded) == (1, 50000)
    assert day.active == 3
    assert round(day.revenue) == 228814  # 2,700 after GST


def test_a_gift_is_revenue_when_paid_and_a_refund_when_refunded_never_mrr():
    code, amount, months = ESSENTIAL
    gift = GiftFacts(id=1, plan=code, amount=135000, paid_at=at(3, 10), refunds=((at(4, 2), 135000),))
    paid = period_figures([], at(3, 10) - dt.timedelta(hours=6), at(3, 11) - dt.timedelta(hours=6), GST, [gift])[code]
    assert (paid.gifts, round(paid.revenue), paid.refunds, paid.active, paid.mrr, paid.new) == (1, 114407, 0, 0, 0, 0)
    back = period_figures([], at(4, 2) - dt.timedelta(hours=6), at(4, 3) - dt.timedelta(hours=6), GST, [gift])[code]
    assert (back.gifts, back.revenue, back.refunds, back.refunded) == (0, 0, 1, 135000)
    assert period_figures([], at(5), at(6), GST, [gift]) == {}


def test_cohorts_follow_each_first_payment_month():
    jan = [one(QUARTERLY, at(1, 5), at(4, 5), 1), one(ESSENTIAL, at(1, 9), at(1, 9, 2027), 2)]
    feb = [one(QUARTERLY, at(2, 3), at(5, 3), 3, ended_at=at(2, 20), refunded=True)]
    months = [at(1) - dt.timedelta(hours=6), at(2) - dt.timedelta(hours=6), at(3) - dt.timedelta(hours=6),
              at(4) - dt.timedelta(hours=6), at(5) - dt.timedelta(hours=6), at(6) - dt.timedelta(hours=6)]
    cells = cohorts(jan + feb, months, now=at(4, 20))
    assert cells[(0, 0)] == (2, 2)
    assert cells[(0, 3)] == (2, 1)   # the quarterly plan ran out on 5 April, unrenewed
    assert cells[(1, 0)] == (1, 0)   # refunded within its first month
    assert (0, 4) not in cells       # May has not begun
