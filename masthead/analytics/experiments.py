"""Paywall experiments: sticky assignment, the variant access decides with, and the actions
that start, stop and promote them.

Assignment: a reader's arm is a pure function of the experiment and their meter key (a
hash of both, cut into the holdout and then into the arms by weight), so it is the same on
every request and every server without a lookup; the weights are frozen while the
experiment runs, which keeps it sticky. Each assignment is also written once (Assignment,
ignore-on-conflict) to count readers. When an anonymous reader signs in, their arm is
carried to the account (so the account keeps it on every device); a signed-in reader's
stored arm wins over the hash.

The "experiments" cache namespace holds the running experiment (and a promoted paywall
copy) for every read; starting, stopping and promoting bump it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.access.variants import RulesVariant
from masthead.analytics import stats
from masthead.analytics.events import reader_hash
from masthead.analytics.models import HOLDOUT, Assignment, Experiment, Variant
from masthead.core import cache, clock

logger = logging.getLogger(__name__)

NAMESPACE = "experiments"
TTL = 60
ASSIGNMENT_TTL = 24 * 3600
FLUSH_ASSIGNMENTS = 200
FLUSH_SECONDS = 10.0


class ExperimentError(ValueError):
    """An experiment that cannot be started, stopped or promoted; the message says why."""


@dataclasses.dataclass(frozen=True)
class Arm:
    slug: str
    weight: int
    variant: RulesVariant


@dataclasses.dataclass(frozen=True)
class Live:
    """The running experiment as every read needs it (cached)."""

    id: int
    slug: str
    holdout_percent: int
    arms: tuple[Arm, ...]
    holdout: RulesVariant


def rules_variant(variant: Variant) -> RulesVariant:
    """The access-side description of one arm."""
    order = tuple(code.strip() for code in variant.plan_order.split(",") if code.strip())
    highlight = ((variant.highlight_plan, variant.highlight_text),) if variant.highlight_plan else ()
    return RulesVariant(
        key=variant.key, free_limit=variant.free_limit, registration_wall=variant.registration_wall,
        headline=variant.headline, plan_order=order, highlight=highlight,
    )


def _load() -> tuple[Live | None, RulesVariant | None]:
    running = Experiment.objects.filter(status=Experiment.Status.RUNNING).prefetch_related("variants").first()
    live = None
    if running is not None:
        arms = tuple(Arm(v.slug, v.weight, rules_variant(v)) for v in running.variants.all() if v.weight > 0)
        live = Live(running.id, running.slug, running.holdout_percent, arms,
                    RulesVariant(key=f"{running.slug}:{HOLDOUT}"))
    promoted = (Experiment.objects.filter(status=Experiment.Status.PROMOTED, kind=Experiment.Kind.PAYWALL_COPY)
                .exclude(promoted=None).select_related("promoted", "promoted__experiment").order_by("-stopped_at")
                .first())
    copy = rules_variant(promoted.promoted) if promoted is not None else None
    return live, copy


def live() -> tuple[Live | None, RulesVariant | None]:
    """The running experiment and the promoted paywall copy (each None when there is none)."""
    return cache.remember(NAMESPACE, "live", _load, ttl=TTL, local=True)


def bucket(experiment_slug: str, reader: str) -> float:
    """A number in [0, 1) fixed by the experiment and the reader (sha-256, not hash())."""
    digest = hashlib.sha256(f"{experiment_slug}\x00{reader}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def choose(experiment: Live, reader: str) -> str:
    """The arm slug (or 'holdout') a reader falls in, by the holdout share and the weights."""
    u = bucket(experiment.slug, reader)
    cut = experiment.holdout_percent / 100
    if u < cut or not experiment.arms:
        return HOLDOUT
    position = (u - cut) / (1 - cut) * sum(arm.weight for arm in experiment.arms)
    for arm in experiment.arms:
        position -= arm.weight
        if position < 0:
            return arm.slug
    return experiment.arms[-1].slug


def _stored_arm(experiment_id: int, who: str) -> str | None:
    return Assignment.objects.filter(experiment_id=experiment_id, reader=who).values_list("arm", flat=True).first()


def arm_for(experiment: Live, meter_key: str) -> str:
    """The reader's arm: a signed-in reader's stored one, else the hash's (and note it)."""
    who = reader_hash(meter_key)
    if meter_key.startswith("u:"):
        stored = cache.remember(NAMESPACE, f"arm:{experiment.id}:{who}", lambda: _stored_arm(experiment.id, who),
                                ttl=ASSIGNMENT_TTL)
        if stored:
            return stored
    slug = choose(experiment, who)
    _note(experiment.id, who, slug)
    return slug


def variant_for_reader(reader) -> RulesVariant | None:
    """access.variants provider: the variant this reader's read is decided with."""
    experiment, copy = live()
    if experiment is None:
        return copy
    slug = arm_for(experiment, reader.meter_key)
    if slug == HOLDOUT:
        return experiment.holdout
    arm = next((a.variant for a in experiment.arms if a.slug == slug), experiment.holdout)
    if copy is not None and not arm.headline:
        arm = dataclasses.replace(arm, headline=copy.headline)
    return arm


# --- writing assignments (once per reader, buffered) ---------------------------------------

_lock = threading.Lock()
_pending: dict[tuple[int, str], tuple[str, bool]] = {}
_seen: set[tuple[int, str]] = set()
_since = [time.monotonic()]
SEEN_LIMIT = 200_000


def _note(experiment_id: int, who: str, arm: str, carried: bool = False) -> None:
    key = (experiment_id, who)
    with _lock:
        if key in _seen:
            return
        if len(_seen) > SEEN_LIMIT:
            _seen.clear()
        _seen.add(key)
        if not _pending:
            _since[0] = time.monotonic()
        _pending[key] = (arm, carried)
        due = len(_pending) >= FLUSH_ASSIGNMENTS or time.monotonic() - _since[0] >= FLUSH_SECONDS
    if due:
        try:
            flush_assignments()
        except Exception:
            logger.exception("experiment assignments could not be written; kept for the next flush")


def flush_assignments() -> int:
    """Write the noted assignments (a reader already stored keeps their first arm)."""
    with _lock:
        rows = dict(_pending)
        _pending.clear()
    if not rows:
        return 0
    day = timezone.localdate(clock.now())
    try:
        Assignment.objects.bulk_create(
            [Assignment(experiment_id=e, reader=who, arm=arm, day=day, carried=carried)
             for (e, who), (arm, carried) in rows.items()],
            ignore_conflicts=True, batch_size=1000,
        )
    except Exception:
        with _lock:
            for key, value in rows.items():
                _pending.setdefault(key, value)
        raise
    return len(rows)


def flush_quietly() -> None:
    """flush_assignments() for process exit: never raises."""
    try:
        flush_assignments()
    except Exception:
        logger.warning("experiment assignments lost at exit", exc_info=True)


def forget_pending() -> None:
    """Drop unwritten assignments and what this process has seen (tests)."""
    with _lock:
        _pending.clear()
        _seen.clear()


def carry_to_account(sender=None, request=None, user=None, **kwargs) -> None:
    """user_logged_in: the account takes the arm its anonymous meter was in (if it had none)."""
    from masthead.access.reader import read_cookie

    experiment, _ = live()
    if experiment is None or request is None or user is None:
        return
    found = read_cookie(request.COOKIES.get(settings.MASTHEAD_METER_COOKIE))
    if found is None:
        return
    anonymous = reader_hash(f"a:{found[0]}")
    account = reader_hash(f"u:{user.pk}")
    arm = _stored_arm(experiment.id, anonymous) or choose(experiment, anonymous)
    Assignment.objects.bulk_create(
        [Assignment(experiment_id=experiment.id, reader=account, arm=arm, day=timezone.localdate(clock.now()),
                    carried=True)],
        ignore_conflicts=True,
    )
    cache.bump(NAMESPACE)


# --- actions ---------------------------------------------------------------------------------

def plan(experiment: Experiment) -> int:
    """The readers each arm needs (shown when the experiment is created)."""
    return stats.planned_sample(experiment.baseline_rate, experiment.minimum_effect)


CHANGES = {
    Experiment.Kind.FREE_LIMIT: ("free_limit", "a free limit"),
    Experiment.Kind.REGISTRATION_WALL: ("registration_wall", "a registration wall"),
    Experiment.Kind.PAYWALL_COPY: ("headline", "a headline"),
    Experiment.Kind.PLAN_ORDER: ("plan_order", "a plan order"),
}


def problems(experiment: Experiment) -> list[str]:
    """Why this experiment cannot start (empty when it can)."""
    found = []
    variants = list(experiment.variants.all())
    controls = [v for v in variants if v.is_control]
    if len(controls) != 1:
        found.append("Mark exactly one variant as the control.")
    others = [v for v in variants if not v.is_control]
    if not others:
        found.append("Add at least one variant besides the control.")
    field, words = CHANGES[experiment.kind]
    for v in others:
        value = getattr(v, field)
        if value in (None, "") and not (field == "plan_order" and v.highlight_plan):
            found.append(f"Variant “{v.name}” must set {words}: that is what this experiment tests.")
    if any(v.weight == 0 for v in variants):
        found.append("Every variant needs a weight above 0.")
    if not 0 <= experiment.holdout_percent <= 50:
        found.append("The holdout must be between 0% and 50%.")
    other = Experiment.objects.filter(status=Experiment.Status.RUNNING).exclude(pk=experiment.pk).first()
    if other is not None:
        found.append(f"“{other.name}” is running: stop it first (one experiment at a time keeps results clean).")
    return found


def start(experiment: Experiment) -> Experiment:
    """Start a draft experiment; ExperimentError says what is missing."""
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if experiment.status != Experiment.Status.DRAFT:
            raise ExperimentError("Only a draft experiment can be started.")
        found = problems(experiment)
        if found:
            raise ExperimentError(" ".join(found))
        experiment.status = Experiment.Status.RUNNING
        experiment.started_at = clock.now()
        experiment.planned_readers = plan(experiment)
        experiment.save(update_fields=["status", "started_at", "planned_readers"])
        cache.bump(NAMESPACE)
    return experiment


def stop(experiment: Experiment) -> Experiment:
    """Stop a running experiment: every reader gets the publisher's rules again."""
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if experiment.status != Experiment.Status.RUNNING:
            raise ExperimentError("Only a running experiment can be stopped.")
        experiment.status = Experiment.Status.STOPPED
        experiment.stopped_at = clock.now()
        experiment.save(update_fields=["status", "stopped_at"])
        cache.bump(NAMESPACE)
    return experiment


def promote(experiment: Experiment, variant: Variant) -> Experiment:
    """Stop the experiment and make the variant what every reader gets.

    A free limit or registration wall becomes the paywall rules' setting; a plan order and
    badge become the plans' order and highlight; a paywall headline stays in force as the
    promoted copy (the rules have no field for it).
    """
    from masthead.access.models import AccessRules
    from masthead.access.rules import current_rules
    from masthead.billing.models import Plan

    if variant.experiment_id != experiment.pk:
        raise ExperimentError("That variant belongs to another experiment.")
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if experiment.status not in (Experiment.Status.RUNNING, Experiment.Status.STOPPED):
            raise ExperimentError("Only a running or stopped experiment can have a variant promoted.")
        if experiment.kind in (Experiment.Kind.FREE_LIMIT, Experiment.Kind.REGISTRATION_WALL):
            field = CHANGES[experiment.kind][0]
            value = getattr(variant, field)
            if value is not None:
                row = AccessRules.objects.filter(pk=1).first()
                if row is None:
                    base = current_rules()
                    row = AccessRules(free_limit=base.free_limit, registration_wall=base.registration_wall)
                    row.save()
                setattr(row, field, value)
                row.save(update_fields=[field, "updated_at"])  # its post_save bumps the rules
        elif experiment.kind == Experiment.Kind.PLAN_ORDER:
            order = rules_variant(variant).plan_order
            for position, code in enumerate(order):
                for p in Plan.objects.filter(code=code):
                    p.display_order = position
                    p.save(update_fields=["display_order"])  # billing's receiver refreshes the offers
            if variant.highlight_plan:
                for p in Plan.objects.all():
                    badge = variant.highlight_text if p.code == variant.highlight_plan else ""
                    if p.highlight != badge:
                        p.highlight = badge
                        p.save(update_fields=["highlight"])
        experiment.status = Experiment.Status.PROMOTED
        experiment.promoted = variant
        experiment.stopped_at = experiment.stopped_at or clock.now()
        experiment.save(update_fields=["status", "promoted", "stopped_at"])
        cache.bump(NAMESPACE)
    return experiment
