"""The state machine, pair by pair: every (state, event) is either a stated outcome or illegal."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from masthead.billing.states import (
    Effect,
    Event,
    Facts,
    IllegalTransition,
    Rules,
    Snapshot,
    State,
    grants_access,
    transition,
)

S, E = State, Event
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
NEXT_END = dt.datetime(2028, 1, 1, tzinfo=dt.timezone.utc)
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
RULES = Rules(grace=dt.timedelta(days=3), retry_days=(1, 3, 5))


def snapshot(state: State) -> Snapshot:
    if state is S.PENDING:
        return Snapshot(state=state, plan="smart-essential")
    return Snapshot(state=state, plan="smart-essential", period_start=T0, period_end=END,
                    access_until=END + dt.timedelta(days=3) if state in (S.ACTIVE, S.TRIALING) else END)


def facts(event: Event) -> Facts:
    if event is E.TRIAL_STARTED:
        return Facts(now=T0, period_start=T0, period_end=T0 + dt.timedelta(days=14), plan="smart-essential",
                     rules=RULES)
    if event is E.PAYMENT_SUCCEEDED:
        return Facts(now=NOW, period_start=END, period_end=NEXT_END, plan="smart-essential", rules=RULES)
    if event is E.PAYMENT_FAILED:
        return Facts(now=NOW, for_period_end=END, rules=RULES)
    if event is E.CHANGE_PLAN:
        return Facts(now=NOW, plan="super-saver", rules=RULES)
    if event is E.REFUND:
        return Facts(now=NOW, end_access=True, rules=RULES)
    return Facts(now=NOW, rules=RULES)


# The whole table: (state, event) -> resulting state, or None when illegal.
EXPECTED = {
    (S.PENDING, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.PENDING, E.PAYMENT_FAILED): S.PENDING,
    (S.PENDING, E.CANCEL): S.EXPIRED,
    (S.PENDING, E.RESUME): None,
    (S.PENDING, E.CHANGE_PLAN): None,
    (S.PENDING, E.REFUND): None,
    (S.PENDING, E.PERIOD_ENDED): None,
    (S.PENDING, E.GATEWAY_ENDED): S.EXPIRED,
    (S.PENDING, E.TRIAL_STARTED): S.TRIALING,
    (S.TRIALING, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.TRIALING, E.PAYMENT_FAILED): S.PAST_DUE,
    (S.TRIALING, E.CANCEL): S.CANCELLED,
    (S.TRIALING, E.RESUME): None,
    (S.TRIALING, E.CHANGE_PLAN): S.TRIALING,
    (S.TRIALING, E.REFUND): None,
    (S.TRIALING, E.PERIOD_ENDED): None,
    (S.TRIALING, E.GATEWAY_ENDED): S.EXPIRED,
    (S.TRIALING, E.TRIAL_STARTED): S.TRIALING,
    (S.ACTIVE, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.ACTIVE, E.PAYMENT_FAILED): S.PAST_DUE,
    (S.ACTIVE, E.CANCEL): S.CANCELLED,
    (S.ACTIVE, E.RESUME): None,
    (S.ACTIVE, E.CHANGE_PLAN): S.ACTIVE,
    (S.ACTIVE, E.REFUND): S.REFUNDED,
    (S.ACTIVE, E.PERIOD_ENDED): None,
    (S.ACTIVE, E.TRIAL_STARTED): S.ACTIVE,
    (S.ACTIVE, E.GATEWAY_ENDED): S.EXPIRED,
    (S.PAST_DUE, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.PAST_DUE, E.PAYMENT_FAILED): S.PAST_DUE,
    (S.PAST_DUE, E.CANCEL): S.EXPIRED,
    (S.PAST_DUE, E.RESUME): None,
    (S.PAST_DUE, E.CHANGE_PLAN): S.PAST_DUE,
    (S.PAST_DUE, E.REFUND): S.REFUNDED,
    (S.PAST_DUE, E.PERIOD_ENDED): S.EXPIRED,
    (S.PAST_DUE, E.TRIAL_STARTED): S.PAST_DUE,
    (S.PAST_DUE, E.GATEWAY_ENDED): S.EXPIRED,
    (S.CANCELLED, E.PAYMENT_SUCCEEDED): S.CANCELLED,
    (S.CANCELLED, E.PAYMENT_FAILED): S.CANCELLED,
    (S.CANCELLED, E.CANCEL): None,
    (S.CANCELLED, E.RESUME): S.ACTIVE,
    (S.CANCELLED, E.CHANGE_PLAN): None,
    (S.CANCELLED, E.REFUND): S.REFUNDED,
    (S.CANCELLED, E.PERIOD_ENDED): S.EXPIRED,
    (S.CANCELLED, E.TRIAL_STARTED): S.CANCELLED,
    (S.CANCELLED, E.GATEWAY_ENDED): S.EXPIRED,
    (S.EXPIRED, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.EXPIRED, E.PAYMENT_FAILED): S.EXPIRED,
    (S.EXPIRED, E.CANCEL): None,
    (S.EXPIRED, E.RESUME): None,
    (S.EXPIRED, E.CHANGE_PLAN): None,
    (S.EXPIRED, E.REFUND): S.EXPIRED,
    (S.EXPIRED, E.PERIOD_ENDED): None,
    (S.EXPIRED, E.TRIAL_STARTED): S.EXPIRED,
    (S.EXPIRED, E.GATEWAY_ENDED): S.EXPIRED,
    (S.REFUNDED, E.PAYMENT_SUCCEEDED): S.ACTIVE,
    (S.REFUNDED, E.PAYMENT_FAILED): S.REFUNDED,
    (S.REFUNDED, E.CANCEL): None,
    (S.REFUNDED, E.RESUME): None,
    (S.REFUNDED, E.CHANGE_PLAN): None,
    (S.REFUNDED, E.REFUND): S.REFUNDED,
    (S.REFUNDED, E.PERIOD_ENDED): None,
    (S.REFUNDED, E.TRIAL_STARTED): S.REFUNDED,
    (S.REFUNDED, E.GATEWAY_ENDED): S.REFUNDED,
}


def test_the_table_covers_every_pair():
    assert set(EXPECTED) == set(itertools.product(State, Event))
    assert len(EXPECTED) == 63


@pytest.mark.parametrize(("state", "event"), sorted(EXPECTED, key=lambda pair: (pair[0].value, pair[1].value)))
def test_every_state_and_event(state, event):
    expected = EXPECTED[(state, event)]
    if expected is None:
        with pytest.raises(IllegalTransition) as error:
            transition(snapshot(state), event, facts(event))
        assert str(error.value).startswith(f"A {state.value} subscription cannot take '{event.value}'")
    else:
        assert transition(snapshot(state), event, facts(event)).state is expected


def test_first_payment_opens_the_period_with_grace_for_the_renewal():
    outcome = transition(snapshot(S.PENDING), E.PAYMENT_SUCCEEDED,
                         Facts(now=T0, period_start=T0, period_end=END, rules=RULES))
    assert outcome.snapshot.period_end == END
    assert outcome.snapshot.access_until == END + dt.timedelta(days=3)
    assert outcome.effects == (Effect.NOTIFY_PAID,)


def test_failed_renewal_keeps_access_for_the_grace_period_and_schedules_retries():
    failed = transition(snapshot(S.ACTIVE), E.PAYMENT_FAILED, Facts(now=END, for_period_end=END, rules=RULES))
    assert failed.snapshot.grace_until == END + dt.timedelta(days=3)
    assert failed.snapshot.next_retry_at == END + dt.timedelta(days=1)
    assert grants_access(failed.snapshot, END + dt.timedelta(days=2, hours=23))
    assert not grants_access(failed.snapshot, END + dt.timedelta(days=3))
    second = transition(failed.snapshot, E.PAYMENT_FAILED, Facts(now=END, for_period_end=END, rules=RULES))
    third = transition(second.snapshot, E.PAYMENT_FAILED, Facts(now=END, for_period_end=END, rules=RULES))
    assert (second.snapshot.next_retry_at, third.snapshot.next_retry_at) == (
        END + dt.timedelta(days=3), END + dt.timedelta(days=5))
    last = transition(third.snapshot, E.PAYMENT_FAILED, Facts(now=END, for_period_end=END, rules=RULES))
    assert last.state is S.EXPIRED
    assert last.effects == (Effect.NOTIFY_EXPIRED, Effect.END_AT_GATEWAY)


def test_cancel_keeps_access_to_the_end_of_the_paid_period_and_resume_restores_renewal():
    cancelled = transition(snapshot(S.ACTIVE), E.CANCEL, Facts(now=NOW, rules=RULES))
    assert cancelled.snapshot.access_until == END
    assert cancelled.effects == (Effect.NOTIFY_CANCELLED, Effect.CANCEL_AT_GATEWAY)
    resumed = transition(cancelled.snapshot, E.RESUME, Facts(now=NOW, rules=RULES))
    assert resumed.state is S.ACTIVE and resumed.snapshot.cancelled_at is None


def test_resume_after_the_period_ended_is_refused():
    with pytest.raises(IllegalTransition, match="the paid period has already ended"):
        transition(snapshot(S.CANCELLED), E.RESUME, Facts(now=END, rules=RULES))


def test_plan_change_waits_for_the_next_renewal():
    changed = transition(snapshot(S.ACTIVE), E.CHANGE_PLAN, Facts(now=NOW, plan="super-saver", rules=RULES))
    assert (changed.snapshot.plan, changed.snapshot.next_plan) == ("smart-essential", "super-saver")
    renewed = transition(changed.snapshot, E.PAYMENT_SUCCEEDED,
                         Facts(now=END, period_start=END, period_end=NEXT_END, rules=RULES))
    assert (renewed.snapshot.plan, renewed.snapshot.next_plan) == ("super-saver", None)


def test_refund_that_keeps_access_changes_nothing_but_tells_the_reader():
    kept = transition(snapshot(S.ACTIVE), E.REFUND, Facts(now=NOW, end_access=False, full=False, rules=RULES))
    assert kept.snapshot == snapshot(S.ACTIVE)
    assert kept.effects == (Effect.NOTIFY_REFUNDED,)


def test_a_payment_for_a_period_already_paid_is_stale():
    outcome = transition(snapshot(S.ACTIVE), E.PAYMENT_SUCCEEDED,
                         Facts(now=NOW, period_start=T0, period_end=END, rules=RULES))
    assert outcome.stale and outcome.snapshot == snapshot(S.ACTIVE) and outcome.effects == ()


def test_a_failure_for_a_period_since_renewed_is_stale():
    outcome = transition(snapshot(S.ACTIVE), E.PAYMENT_FAILED,
                         Facts(now=NOW, for_period_end=T0, rules=RULES))
    assert outcome.stale and outcome.state is S.ACTIVE


TRIAL_END = T0 + dt.timedelta(days=14)


def test_a_free_trial_opens_access_until_it_ends_and_charges_nothing():
    outcome = transition(snapshot(S.PENDING), E.TRIAL_STARTED, facts(E.TRIAL_STARTED))
    assert outcome.state is S.TRIALING
    assert (outcome.snapshot.period_start, outcome.snapshot.period_end) == (T0, TRIAL_END)
    assert outcome.effects == (Effect.NOTIFY_TRIAL,)
    assert grants_access(outcome.snapshot, TRIAL_END - dt.timedelta(minutes=1))


def test_the_first_charge_after_a_trial_starts_the_paid_period():
    trial = transition(snapshot(S.PENDING), E.TRIAL_STARTED, facts(E.TRIAL_STARTED)).snapshot
    paid = transition(trial, E.PAYMENT_SUCCEEDED,
                      Facts(now=TRIAL_END, period_start=TRIAL_END, period_end=NEXT_END, rules=RULES))
    assert paid.state is S.ACTIVE and paid.snapshot.period_start == TRIAL_END


def test_a_cancel_during_the_trial_ends_access_when_the_trial_ends():
    trial = transition(snapshot(S.PENDING), E.TRIAL_STARTED, facts(E.TRIAL_STARTED)).snapshot
    cancelled = transition(trial, E.CANCEL, Facts(now=T0 + dt.timedelta(days=2), rules=RULES))
    assert cancelled.state is S.CANCELLED and cancelled.snapshot.access_until == TRIAL_END
    assert not grants_access(cancelled.snapshot, TRIAL_END)
    ended = transition(cancelled.snapshot, E.PERIOD_ENDED, Facts(now=TRIAL_END, rules=RULES))
    assert ended.state is S.EXPIRED


def test_a_failed_first_charge_after_a_trial_is_a_failed_renewal_with_grace():
    trial = transition(snapshot(S.PENDING), E.TRIAL_STARTED, facts(E.TRIAL_STARTED)).snapshot
    failed = transition(trial, E.PAYMENT_FAILED, Facts(now=TRIAL_END, for_period_end=TRIAL_END, rules=RULES))
    assert failed.state is S.PAST_DUE and failed.snapshot.grace_until == TRIAL_END + dt.timedelta(days=3)
