"""The demo's revenue history: 90 days of reads and paywalls, a subscriber base with renewals,
failed payments, cancellations and refunds, and one running free-limit experiment.

Seeded in bulk (a few bulk inserts, then one rollup of the 90 days) and only once: a second
run finds its subscriptions and only rolls up the last two days.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from masthead.core import clock

SEED = 14
DAYS = 90
BASE_MONTHS = 10          # subscribers who joined before the 90 days, so renewals and churn show
REFERENCE = "sub_demohist"
EXPERIMENT = "demo-free-limit"
PLAN_MIX = (("smart-quarterly", 0.5), ("smart-essential", 0.35), ("super-saver", 0.15))
RENEWS = {"smart-quarterly": 0.78, "smart-essential": 0.72, "super-saver": 0.7}
REFERRERS = (("search", 0.38), ("social", 0.2), ("direct", 0.18), ("newsletter", 0.1), ("internal", 0.12),
             ("other", 0.02))
DEVICES = (("mobile", 0.66), ("desktop", 0.26), ("tablet", 0.05), ("app", 0.03))


def _pick(rng, weighted):
    x, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if x < total:
            return value
    return weighted[-1][0]


def seed_history(progress=print) -> None:
    """Seed the history once; later runs only roll up yesterday and today."""
    from masthead.analytics import rollup
    from masthead.billing.models import Subscription

    started = time.monotonic()
    if Subscription.objects.filter(reference__startswith=REFERENCE).exists():
        line = rollup.rollup_recent()
        progress(f"Revenue desk: history seeded by an earlier run; {line}")
        return
    from masthead.billing.models import Plan

    if not Plan.objects.filter(code__in=[c for c, _ in PLAN_MIX]).count() == len(PLAN_MIX):
        progress("Revenue desk: the reference plans are missing; no history seeded")
        return
    rng = random.Random(SEED)
    now = clock.now()
    tz = rollup.zone()
    today = now.astimezone(tz).date()
    first_day = today - dt.timedelta(days=DAYS)
    subs = _subscriptions(rng, now, tz, first_day, progress)
    experiment = _experiment(now)
    _events(rng, tz, first_day, today, subs, experiment, progress)
    summary = rollup.rollup_days(first_day, today)
    progress(f"Revenue desk: {summary.as_line()} ({time.monotonic() - started:.1f} s)")


def _subscriptions(rng, now, tz, first_day, progress) -> list[tuple]:
    """Readers and their subscriptions with a plausible ledger; returns (user pk, created, article url)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from masthead.billing.models import LedgerEntry, Plan, Subscription
    from masthead.billing.periods import add_months
    from masthead.content.models import Article

    plans = {p.code: p for p in Plan.objects.all()}
    articles = [a.get_absolute_url() for a in Article.objects.filter(status="published").select_related("section")
                .order_by("-published_at")[:120]] or [""]
    start_of_window = dt.datetime.combine(first_day, dt.time(9), tzinfo=tz)
    base_start = start_of_window - dt.timedelta(days=30 * BASE_MONTHS)
    moments = []
    # A steady base before the window (about 2 a day), then 3-7 a day inside it.
    t = base_start
    while t < start_of_window:
        moments.append(t + dt.timedelta(hours=rng.uniform(0, 12)))
        t += dt.timedelta(hours=rng.uniform(8, 16))
    for d in range(DAYS):
        day = start_of_window + dt.timedelta(days=d)
        for _ in range(rng.randint(3, 7)):
            moment = day + dt.timedelta(hours=rng.uniform(0, 13))
            if moment < now:
                moments.append(moment)
    User = get_user_model()
    password = make_password(None)
    users = User.objects.bulk_create([
        User(username=f"demo-subscriber-{i:04d}", email=f"subscriber{i:04d}@demo.masthead.test", password=password,
             date_joined=moment - dt.timedelta(minutes=20))
        for i, moment in enumerate(moments)
    ], batch_size=1000)
    subs, ledger, attributed = [], [], []
    for i, (user, created) in enumerate(zip(users, moments)):
        code = _pick(rng, PLAN_MIX)
        plan = plans[code]
        article = rng.choice(articles)
        sub = Subscription(reference=f"{REFERENCE}{i:05d}", user=user, plan=plan, gateway="sandbox",
                           payment_method="demo_pm", payment_method_label="Visa •••• 4242", created_at=created,
                           updated_at=created, return_to=article, state=Subscription.State.ACTIVE)
        entries = []
        start, n = created + dt.timedelta(minutes=3), 0

        def charge(plan, at, period_start, period_end):
            entries.append(LedgerEntry(kind=LedgerEntry.Kind.CHARGE, amount=plan.price, currency="INR",
                                       gateway="sandbox", gateway_payment_ref=f"demo_pay_{i}_{len(entries)}",
                                       idempotency_key=f"demo-history:{i}:{len(entries)}", plan=plan,
                                       period_start=period_start, period_end=period_end, created_at=at))

        end = add_months(start, plan.term_months)
        charge(plan, start, start, end)
        if rng.random() < 0.02:  # refunded within a week, access ended
            at = start + dt.timedelta(days=rng.uniform(1, 7))
            if at < now:
                entries.append(LedgerEntry(kind=LedgerEntry.Kind.REFUND, amount=plan.price, currency="INR",
                                           gateway="sandbox", gateway_payment_ref=entries[0].gateway_payment_ref,
                                           idempotency_key=f"demo-history:{i}:refund", plan=plan, created_at=at))
                sub.state, sub.ended_at = Subscription.State.REFUNDED, at
        while sub.ended_at is None and end < now:
            roll = rng.random()
            if roll < 0.08:  # the renewal fails; half are recovered by a retry
                entries.append(LedgerEntry(kind=LedgerEntry.Kind.FAILURE, amount=plan.price, currency="INR",
                                           gateway="sandbox", idempotency_key=f"demo-history:{i}:fail{n}", plan=plan,
                                           reason="Card declined", created_at=end))
                if rng.random() < 0.5 and end + dt.timedelta(days=2) < now:
                    new_end = add_months(end, plan.term_months)
                    charge(plan, end + dt.timedelta(days=2), end, new_end)
                    end = new_end
                else:
                    sub.state, sub.ended_at = Subscription.State.EXPIRED, end + dt.timedelta(days=5)
                    if sub.ended_at > now:
                        sub.state, sub.ended_at = Subscription.State.PAST_DUE, None
                        sub.grace_until = end + dt.timedelta(days=3)
                        break
            elif roll < 0.08 + (1 - RENEWS[plan.code]):  # the reader cancels during the period
                sub.cancelled_at = end - dt.timedelta(days=rng.uniform(2, 40))
                sub.state, sub.ended_at = Subscription.State.EXPIRED, end
            else:
                if plan.code == "smart-quarterly" and rng.random() < 0.12:
                    plan = plans["smart-essential"]  # moved up at the renewal
                    sub.plan = plan
                new_end = add_months(end, plan.term_months)
                charge(plan, end, end, new_end)
                end = new_end
            n += 1
        if sub.ended_at is None and sub.state == Subscription.State.ACTIVE and rng.random() < 0.1:
            sub.cancelled_at = max(created, now - dt.timedelta(days=rng.uniform(1, 30)))
            sub.state = Subscription.State.CANCELLED
        sub.current_period_start = start if len(entries) == 1 else entries[-1].period_start or start
        sub.current_period_end = end
        sub.access_until = sub.ended_at or end
        subs.append((sub, entries))
        attributed.append((user.pk, created, article))
    Subscription.objects.bulk_create([s for s, _ in subs], batch_size=1000)
    saved = {s.reference: s for s in Subscription.objects.filter(reference__startswith=REFERENCE)}
    for sub, entries in subs:
        for entry in entries:
            entry.subscription = saved[sub.reference]
            ledger.append(entry)
    LedgerEntry.objects.bulk_create(ledger, batch_size=2000)
    progress(f"Revenue desk: {len(subs)} demo subscriptions with {len(ledger)} ledger entries")
    return attributed


def _experiment(now):
    from masthead.analytics.models import Experiment, Variant
    from masthead.analytics.stats import planned_sample

    experiment, created = Experiment.objects.get_or_create(slug=EXPERIMENT, defaults=dict(
        name="Free limit: 3 or 5 a month", kind=Experiment.Kind.FREE_LIMIT, status=Experiment.Status.RUNNING,
        holdout_percent=5, baseline_rate=0.01, minimum_effect=0.3, planned_readers=planned_sample(0.01, 0.3),
        started_at=now - dt.timedelta(days=21), created_at=now - dt.timedelta(days=22)))
    if created:
        Variant.objects.create(experiment=experiment, slug="control", name="Five free", is_control=True)
        Variant.objects.create(experiment=experiment, slug="three", name="Three free", free_limit=3)
    return experiment


def _events(rng, tz, first_day, today, subscribers, experiment, progress) -> None:
    """Raw reads over the 90 days, the paywalls behind each subscription, and the experiment's readers."""
    from masthead.analytics.events import reader_hash
    from masthead.analytics.models import HOLDOUT, Assignment, Event
    from masthead.content.models import Article

    stories = list(Article.objects.filter(status="published").values_list("pk", "section__slug")[:200]) or [(None, "")]
    experiment_start = experiment.started_at.astimezone(tz).date()
    rows, assignments = [], []
    for d in range((today - first_day).days + 1):
        day = first_day + dt.timedelta(days=d)
        weekday_lift = 0.8 if day.weekday() >= 5 else 1.0
        readers = int(rng.randint(110, 150) * weekday_lift * (1 + d / 300))
        for r in range(readers):
            who = f"{rng.getrandbits(64):016x}"
            referrer, device = _pick(rng, REFERRERS), _pick(rng, DEVICES)
            arm_key = ""
            if day >= experiment_start:
                u = rng.random()
                arm = HOLDOUT if u < 0.05 else ("control" if u < 0.525 else "three")
                arm_key = f"{experiment.slug}:{arm}"
                assignments.append(Assignment(experiment=experiment, reader=who, arm=arm, day=day))
            limit = 3 if arm_key.endswith(":three") else 5
            reads = min(rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 8)), limit + 1)
            at = dt.datetime.combine(day, dt.time(7), tzinfo=tz) + dt.timedelta(minutes=rng.uniform(0, 900))
            for n in range(reads):
                story, section = rng.choice(stories)
                base = dict(at=at, day=day, article_id=story, section=section or "", referrer=referrer, device=device,
                            channel="api" if device == "app" else "web", variant=arm_key, reader=who)
                if n < limit:  # every counted read shows the "N free articles left" notice
                    rows.append(Event(kind="metered_read", reason="", **base))
                    rows.append(Event(kind="meter_notice", reason="", **base))
                else:
                    rows.append(Event(kind="paywall_view", reason="limit", **base))
            if rng.random() < 0.06:
                story, section = rng.choice(stories)
                rows.append(Event(kind="paywall_view", reason=_pick(rng, (("premium", 0.6), ("archive", 0.25),
                                                                      ("registration", 0.15))),
                                  at=at, day=day, article_id=story, section=section or "", referrer=referrer,
                                  device=device, channel="web", variant=arm_key, reader=who))
    # The paywall each subscriber saw before paying (attribution), and their arm once signed in.
    slugs = dict(Article.objects.values_list("slug", "pk"))
    sections = dict(Article.objects.values_list("pk", "section__slug"))
    for user_pk, created, url in subscribers:
        local = created.astimezone(tz)
        if local.date() < first_day:
            continue
        who = reader_hash(f"u:{user_pk}")
        slug = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
        story = slugs.get(slug)
        referrer, device = _pick(rng, REFERRERS), _pick(rng, DEVICES)
        arm_key = ""
        if local.date() >= experiment_start:
            arm = "three" if rng.random() < 0.56 else "control"
            arm_key = f"{experiment.slug}:{arm}"
            assignments.append(Assignment(experiment=experiment, reader=who, arm=arm, day=local.date(), carried=True))
        rows.append(Event(kind="paywall_view", reason="limit", at=created - dt.timedelta(minutes=12),
                          day=(created - dt.timedelta(minutes=12)).astimezone(tz).date(), article_id=story,
                          section=sections.get(story) or "", referrer=referrer, device=device,
                          channel="api" if device == "app" else "web", variant=arm_key, reader=who))
    Event.objects.bulk_create(rows, batch_size=5000)
    Assignment.objects.bulk_create(assignments, batch_size=5000, ignore_conflicts=True)
    progress(f"Revenue desk: {len(rows):,} funnel events over {DAYS} days, {len(assignments):,} experiment readers")
