"""The subscription state machine: pure transitions, no I/O.

``transition(snapshot, event, facts)`` returns the subscription's next snapshot and
the effects the caller must carry out (e-mails, calls to the gateway). It never
touches the database or the clock: the action in billing.actions loads the row
under a lock, calls this, saves the result and runs the effects on commit.

Events that arrive late or out of order (a provider's retry of an old payment, a
failure for a period that has since been paid) are recognised by the period they
concern and change nothing, so any delivery order converges on the same state.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace


class State(str, enum.Enum):
    PENDING = "pending"        # checkout started, nothing paid yet
    TRIALING = "trialing"      # a free trial: access now, the first charge when the trial ends
    ACTIVE = "active"          # paid, renews automatically
    PAST_DUE = "past_due"      # a renewal failed: access through the grace period, retries scheduled
    CANCELLED = "cancelled"    # cancelled at period end: no more renewals, access until the paid period ends
    EXPIRED = "expired"        # over: no access, no renewals
    REFUNDED = "refunded"      # money returned and access ended by staff


class Event(str, enum.Enum):
    PAYMENT_SUCCEEDED = "payment_succeeded"  # facts: period_start, period_end, plan
    PAYMENT_FAILED = "payment_failed"        # facts: for_period_end (the period being renewed)
    CANCEL = "cancel"                        # the reader (or staff) cancels renewals
    RESUME = "resume"                        # undo a cancel before the period ends
    CHANGE_PLAN = "change_plan"              # facts: plan (takes effect at the next renewal)
    REFUND = "refund"                        # facts: end_access (staff's choice), full
    PERIOD_ENDED = "period_ended"            # the paid period (or grace) ran out with nothing to renew
    GATEWAY_ENDED = "gateway_ended"          # the provider stopped it (halted, completed, cancelled now)
    TRIAL_STARTED = "trial_started"          # facts: period_start, period_end (the trial), plan


class Effect(str, enum.Enum):
    NOTIFY_PAID = "notify_paid"
    NOTIFY_FAILED = "notify_failed"
    NOTIFY_CANCELLED = "notify_cancelled"
    NOTIFY_RESUMED = "notify_resumed"
    NOTIFY_PLAN_CHANGE = "notify_plan_change"
    NOTIFY_REFUNDED = "notify_refunded"
    NOTIFY_EXPIRED = "notify_expired"
    NOTIFY_TRIAL = "notify_trial"
    CANCEL_AT_GATEWAY = "cancel_at_gateway"  # stop renewals at the provider, at period end
    RESUME_AT_GATEWAY = "resume_at_gateway"
    END_AT_GATEWAY = "end_at_gateway"        # stop renewals at the provider now


class IllegalTransition(Exception):
    """The event makes no sense in the subscription's current state."""

    def __init__(self, state: State, event: Event, why: str = "") -> None:
        self.state, self.event = state, event
        message = f"A {state.value} subscription cannot take '{event.value}'"
        super().__init__(message + (f": {why}" if why else ""))


@dataclass(frozen=True)
class Rules:
    """What a publisher configures: the grace period and the retry schedule."""

    grace: dt.timedelta = dt.timedelta(days=3)
    retry_days: tuple[int, ...] = (1, 3, 5)


@dataclass(frozen=True)
class Snapshot:
    """Everything about a subscription that the rules look at."""

    state: State
    plan: str
    next_plan: str | None = None
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    access_until: dt.datetime | None = None
    grace_until: dt.datetime | None = None
    failed_attempts: int = 0
    next_retry_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What is known about the event: when, and the details it carries."""

    now: dt.datetime
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    for_period_end: dt.datetime | None = None
    plan: str | None = None
    end_access: bool = False
    full: bool = True
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True)
class Outcome:
    snapshot: Snapshot
    effects: tuple[Effect, ...] = ()
    stale: bool = False  # the event was already overtaken; nothing changed

    @property
    def state(self) -> State:
        return self.snapshot.state


def _unchanged(snapshot: Snapshot, *, stale: bool = False) -> Outcome:
    return Outcome(snapshot, (), stale)


def _paid(snap: Snapshot, event: Event, facts: Facts, state: State = State.ACTIVE) -> Outcome:
    """A payment for a period. Payments for a period already covered change nothing."""
    if facts.period_start is None or facts.period_end is None:
        raise ValueError("a payment needs the period it pays for")
    if snap.period_end is not None and facts.period_end <= snap.period_end:
        return _unchanged(snap, stale=True)
    if snap.ended_at is not None and facts.period_start < snap.ended_at:
        return _unchanged(snap, stale=True)
    plan = facts.plan or snap.next_plan or snap.plan
    new = replace(
        snap,
        state=state,
        plan=plan,
        next_plan=None if snap.next_plan == plan else snap.next_plan,
        period_start=facts.period_start,
        period_end=facts.period_end,
        access_until=facts.period_end + (facts.rules.grace if state is State.ACTIVE else dt.timedelta(0)),
        grace_until=None,
        failed_attempts=0,
        next_retry_at=None,
        ended_at=None,
    )
    return Outcome(new, (Effect.NOTIFY_PAID,))


def _failed(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    """A renewal charge failed: past due with grace, retry on schedule, then expire."""
    if facts.for_period_end is None:
        raise ValueError("a failed renewal needs the period it tried to renew")
    if snap.period_end is not None and facts.for_period_end < snap.period_end:
        return _unchanged(snap, stale=True)
    attempts = snap.failed_attempts + 1
    retry_days = facts.rules.retry_days
    base = snap.period_end or facts.now
    if attempts > len(retry_days):
        ended = replace(snap, state=State.EXPIRED, access_until=None, grace_until=None,
                        failed_attempts=attempts, next_retry_at=None, ended_at=facts.now)
        return Outcome(ended, (Effect.NOTIFY_EXPIRED, Effect.END_AT_GATEWAY))
    grace_until = base + facts.rules.grace
    new = replace(
        snap,
        state=State.PAST_DUE,
        grace_until=grace_until,
        access_until=grace_until,
        failed_attempts=attempts,
        next_retry_at=base + dt.timedelta(days=retry_days[attempts - 1]),
    )
    return Outcome(new, (Effect.NOTIFY_FAILED,))


def _cancel(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    new = replace(snap, state=State.CANCELLED, access_until=snap.period_end, cancelled_at=facts.now,
                  next_plan=None, next_retry_at=None)
    return Outcome(new, (Effect.NOTIFY_CANCELLED, Effect.CANCEL_AT_GATEWAY))


def _cancel_overdue(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    # Nothing is paid beyond the period that already ended, so cancelling ends it now.
    new = replace(snap, state=State.EXPIRED, access_until=None, grace_until=None, next_retry_at=None,
                  cancelled_at=facts.now, ended_at=facts.now)
    return Outcome(new, (Effect.NOTIFY_CANCELLED, Effect.END_AT_GATEWAY))


def _abandon(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    return Outcome(replace(snap, state=State.EXPIRED, cancelled_at=facts.now, ended_at=facts.now), ())


def _resume(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    if snap.period_end is None or facts.now >= snap.period_end:
        raise IllegalTransition(snap.state, event, "the paid period has already ended; subscribe again")
    new = replace(snap, state=State.ACTIVE, access_until=snap.period_end + facts.rules.grace, cancelled_at=None)
    return Outcome(new, (Effect.NOTIFY_RESUMED, Effect.RESUME_AT_GATEWAY))


def _change_plan(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    if not facts.plan:
        raise ValueError("a plan change needs the new plan")
    next_plan = None if facts.plan == snap.plan else facts.plan
    return Outcome(replace(snap, next_plan=next_plan), (Effect.NOTIFY_PLAN_CHANGE,))


def _refund(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    if not facts.end_access:
        return Outcome(snap, (Effect.NOTIFY_REFUNDED,))
    new = replace(snap, state=State.REFUNDED, access_until=None, grace_until=None, next_retry_at=None,
                  next_plan=None, ended_at=facts.now)
    return Outcome(new, (Effect.NOTIFY_REFUNDED, Effect.END_AT_GATEWAY))


def _refund_after_end(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    return Outcome(snap, (Effect.NOTIFY_REFUNDED,))


def _expire(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    new = replace(snap, state=State.EXPIRED, access_until=None, grace_until=None, next_retry_at=None,
                  ended_at=facts.now)
    return Outcome(new, (Effect.NOTIFY_EXPIRED,))


def _ignore(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    # A provider's late or duplicate notice about something already over.
    return _unchanged(snap, stale=True)


def _trial(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    """A free trial starts: access for the trial, nothing charged; the first charge is a
    renewal at the trial's end (with its pre-debit notice), so the renewal rules apply."""
    if facts.period_start is None or facts.period_end is None:
        raise ValueError("a trial needs the days it covers")
    new = replace(snap, state=State.TRIALING, plan=facts.plan or snap.plan, period_start=facts.period_start,
                  period_end=facts.period_end, access_until=facts.period_end + facts.rules.grace)
    return Outcome(new, (Effect.NOTIFY_TRIAL,))


def _paid_while_cancelled(snap: Snapshot, event: Event, facts: Facts) -> Outcome:
    # The provider charged before it heard of the cancel: the reader keeps what they paid for.
    return _paid(snap, event, facts, state=State.CANCELLED)


S, E = State, Event
TRANSITIONS = {
    (S.PENDING, E.PAYMENT_SUCCEEDED): _paid,
    (S.PENDING, E.PAYMENT_FAILED): lambda snap, event, facts: _unchanged(snap),  # declined at checkout
    (S.PENDING, E.CANCEL): _abandon,
    (S.PENDING, E.GATEWAY_ENDED): _abandon,
    (S.PENDING, E.TRIAL_STARTED): _trial,
    # During a free trial: the first charge makes it active; a failed one is a failed renewal
    # (grace, retries); a cancel ends access when the trial does, without a charge.
    (S.TRIALING, E.PAYMENT_SUCCEEDED): _paid,
    (S.TRIALING, E.PAYMENT_FAILED): _failed,
    (S.TRIALING, E.CANCEL): _cancel,
    (S.TRIALING, E.CHANGE_PLAN): _change_plan,
    (S.TRIALING, E.GATEWAY_ENDED): _expire,
    (S.TRIALING, E.TRIAL_STARTED): _ignore,
    (S.ACTIVE, E.PAYMENT_SUCCEEDED): _paid,
    (S.ACTIVE, E.PAYMENT_FAILED): _failed,
    (S.ACTIVE, E.CANCEL): _cancel,
    (S.ACTIVE, E.CHANGE_PLAN): _change_plan,
    (S.ACTIVE, E.REFUND): _refund,
    (S.ACTIVE, E.TRIAL_STARTED): _ignore,  # the trial's notice arriving late
    (S.ACTIVE, E.GATEWAY_ENDED): _expire,
    (S.PAST_DUE, E.PAYMENT_SUCCEEDED): _paid,
    (S.PAST_DUE, E.PAYMENT_FAILED): _failed,
    (S.PAST_DUE, E.CANCEL): _cancel_overdue,
    (S.PAST_DUE, E.CHANGE_PLAN): _change_plan,
    (S.PAST_DUE, E.REFUND): _refund,
    (S.PAST_DUE, E.PERIOD_ENDED): _expire,
    (S.PAST_DUE, E.TRIAL_STARTED): _ignore,  # the trial's notice arriving late
    (S.PAST_DUE, E.GATEWAY_ENDED): _expire,
    (S.CANCELLED, E.PAYMENT_SUCCEEDED): _paid_while_cancelled,
    (S.CANCELLED, E.PAYMENT_FAILED): _ignore,
    (S.CANCELLED, E.RESUME): _resume,
    (S.CANCELLED, E.REFUND): _refund,
    (S.CANCELLED, E.PERIOD_ENDED): _expire,
    (S.CANCELLED, E.TRIAL_STARTED): _ignore,  # the trial's notice arriving late
    (S.CANCELLED, E.GATEWAY_ENDED): _expire,
    (S.EXPIRED, E.PAYMENT_SUCCEEDED): _paid,
    (S.EXPIRED, E.PAYMENT_FAILED): _ignore,
    (S.EXPIRED, E.REFUND): _refund_after_end,
    (S.EXPIRED, E.TRIAL_STARTED): _ignore,  # the trial's notice arriving late
    (S.EXPIRED, E.GATEWAY_ENDED): _ignore,
    (S.REFUNDED, E.PAYMENT_SUCCEEDED): _paid,
    (S.REFUNDED, E.PAYMENT_FAILED): _ignore,
    (S.REFUNDED, E.REFUND): _refund_after_end,
    (S.REFUNDED, E.TRIAL_STARTED): _ignore,  # the trial's notice arriving late
    (S.REFUNDED, E.GATEWAY_ENDED): _ignore,
}

WHY_ILLEGAL = {
    E.RESUME: "only a cancelled subscription can be resumed",
    E.CANCEL: "it is not renewing",
    E.CHANGE_PLAN: "only a renewing subscription can change plan",
    E.REFUND: "nothing has been paid",
    E.TRIAL_STARTED: "only a new checkout starts a trial",
    E.PERIOD_ENDED: "only a cancelled or overdue subscription ends with its period",
}


def transition(snapshot: Snapshot, event: Event, facts: Facts) -> Outcome:
    """The next snapshot and the effects to run; IllegalTransition if the pair is not allowed."""
    handler = TRANSITIONS.get((snapshot.state, event))
    if handler is None:
        raise IllegalTransition(snapshot.state, event, WHY_ILLEGAL.get(event, ""))
    return handler(snapshot, event, facts)


def allowed(state: State, event: Event) -> bool:
    return (state, event) in TRANSITIONS


# The states in which a subscription can open its plan's benefits (until access_until).
GRANTING_STATES = frozenset({State.TRIALING, State.ACTIVE, State.PAST_DUE, State.CANCELLED})
# The states in which a subscription will be charged again (the notice, then the charge).
RENEWING_STATES = frozenset({State.TRIALING, State.ACTIVE, State.PAST_DUE})


def grants_access(subscription, now: dt.datetime) -> bool:
    """Whether a subscription (a Snapshot or a Subscription row) opens its plan's benefits at
    `now`: the one rule, which the query (Subscription.objects.granting) and every page follow."""
    return (
        State(subscription.state) in GRANTING_STATES
        and subscription.access_until is not None
        and now < subscription.access_until
    )
