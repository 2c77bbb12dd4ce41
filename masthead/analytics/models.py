"""The revenue desk's tables: raw reads, daily rollups, experiments and report recipients.

Raw `Event` rows carry a pseudonymous reader key (a keyed hash of the meter key) so a
subscription can be traced to the read that led to it; they are kept a few months
(MASTHEAD_ANALYTICS_RAW_DAYS). Every rollup table holds counts and money only: no
reader, account, address or key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.Model):
    """One funnel event on one read: a metered read, a meter notice or a paywall view."""

    class Kind(models.TextChoices):
        METERED_READ = "metered_read", "Metered read"
        METER_NOTICE = "meter_notice", "Meter notice"
        PAYWALL_VIEW = "paywall_view", "Paywall view"

    at = models.DateTimeField()
    day = models.DateField(help_text="The publication's day.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(max_length=24, blank=True)
    article_id = models.BigIntegerField(null=True)
    section = models.CharField(max_length=80, blank=True)
    referrer = models.CharField(max_length=12)
    device = models.CharField(max_length=8)
    channel = models.CharField(max_length=8)
    variant = models.CharField(max_length=100, blank=True)
    reader = models.CharField(max_length=16, help_text="Keyed hash of the meter key (never the key).")

    class Meta:
        indexes = [models.Index(fields=["day"]), models.Index(fields=["reader", "at"])]


class FunnelDay(models.Model):
    """Daily funnel counts by every dimension the dashboard filters on."""

    day = models.DateField()
    kind = models.CharField(max_length=16)
    reason = models.CharField(max_length=24, blank=True)
    section = models.CharField(max_length=80, blank=True)
    referrer = models.CharField(max_length=12)
    device = models.CharField(max_length=8)
    channel = models.CharField(max_length=8)
    variant = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField()
    revenue = models.BigIntegerField(default=0, help_text="Paise after GST (payments only).")

    class Meta:
        indexes = [models.Index(fields=["day", "kind"])]
        permissions = [
            ("view_revenue_desk", "Can see the revenue desk (funnel, revenue, cohorts)"),
            ("run_experiments", "Can start, stop and promote paywall experiments"),
        ]


class FunnelTotal(models.Model):
    """FunnelDay summed over every dimension: what the unfiltered funnel reads (a few rows a day)."""

    day = models.DateField()
    kind = models.CharField(max_length=16)
    reason = models.CharField(max_length=24, blank=True)
    count = models.PositiveIntegerField()
    revenue = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"])]


class FunnelSlice(models.Model):
    """FunnelDay summed by one dimension at a time (section, referrer or device): the breakdowns."""

    day = models.DateField()
    dimension = models.CharField(max_length=8)
    value = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dimension", "day"])]


class RevenueDay(models.Model):
    """One plan's subscription figures at the end of one publication day, and its gifts'
    payments and refunds that day."""

    day = models.DateField()
    plan = models.CharField(max_length=40)
    active = models.PositiveIntegerField(default=0, help_text="Paid subscriptions covering the day's end.")
    mrr = models.BigIntegerField(default=0, help_text="Monthly recurring revenue, paise after GST.")
    checkouts = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    renewed = models.PositiveIntegerField(default=0)
    recovered = models.PositiveIntegerField(default=0, help_text="Renewals paid after a failed attempt.")
    failed = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    ended_voluntary = models.PositiveIntegerField(default=0)
    ended_involuntary = models.PositiveIntegerField(default=0)
    refunds = models.PositiveIntegerField(default=0)
    refunded = models.BigIntegerField(default=0, help_text="Paise refunded (with GST).")
    revenue = models.BigIntegerField(default=0, help_text="Paise charged after GST, gifts' payments included.")
    gifts = models.PositiveIntegerField(default=0, help_text="Gift subscriptions of the plan paid that day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "plan"], name="analytics_revenue_day_once")]


class MonthRevenue(models.Model):
    """A calendar month's churn and retention, recomputed while the month is open."""

    month = models.DateField(unique=True, help_text="The month's first day.")
    active_start = models.PositiveIntegerField(default=0)
    active_end = models.PositiveIntegerField(default=0)
    mrr_start = models.BigIntegerField(default=0)
    mrr_end = models.BigIntegerField(default=0)
    mrr_retained = models.BigIntegerField(default=0, help_text="MRR at the end from subscriptions active at the start.")
    lost_voluntary = models.PositiveIntegerField(default=0)
    lost_involuntary = models.PositiveIntegerField(default=0)


class CohortCell(models.Model):
    """How many of a month's new subscribers were still paying some months later."""

    cohort = models.DateField(help_text="The month of the first payment (first day).")
    age = models.PositiveSmallIntegerField(help_text="Months after the cohort month.")
    size = models.PositiveIntegerField()
    retained = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "age"], name="analytics_cohort_cell_once")]


class AttributionDay(models.Model):
    """New paid subscriptions by the article and the referrer that led to them."""

    day = models.DateField()
    article_id = models.BigIntegerField(null=True)
    headline = models.CharField(max_length=300, blank=True)
    section = models.CharField(max_length=80, blank=True)
    referrer = models.CharField(max_length=12)
    subscriptions = models.PositiveIntegerField()
    revenue = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"])]


class RolledUpDay(models.Model):
    """A day the rollup has written, and from how many raw events."""

    day = models.DateField(unique=True)
    events = models.PositiveIntegerField(default=0)
    rolled_up_at = models.DateTimeField()


class Experiment(models.Model):
    """A paywall test: arms that change one thing, split by weight, with a holdout."""

    class Kind(models.TextChoices):
        FREE_LIMIT = "free_limit", "Free article limit"
        PAYWALL_COPY = "paywall_copy", "Paywall copy"
        PLAN_ORDER = "plan_order", "Plan order and highlight"
        REGISTRATION_WALL = "registration_wall", "Registration wall"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"
        PROMOTED = "promoted", "Stopped, a variant promoted"

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    holdout_percent = models.PositiveSmallIntegerField(
        default=5, help_text="Readers kept on the publisher's rules and out of every variant (0-50).")
    baseline_rate = models.FloatField(default=0.01, help_text="Expected conversion of the control, e.g. 0.01 for 1%.")
    minimum_effect = models.FloatField(default=0.2, help_text="Smallest relative lift worth finding, e.g. 0.2 for +20%.")
    planned_readers = models.PositiveIntegerField(
        default=0, help_text="Readers needed per variant before a winner may be called (set when saved).")
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    promoted = models.ForeignKey("Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from masthead.analytics.stats import planned_sample

        try:
            planned_sample(self.baseline_rate, self.minimum_effect)
        except (TypeError, ValueError) as error:
            raise ValidationError({"baseline_rate": str(error)}) from error


class Variant(models.Model):
    """One arm. The control keeps the publisher's rules; the others change one thing."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    is_control = models.BooleanField(default=False)
    weight = models.PositiveSmallIntegerField(default=1, help_text="Share of the traffic, relative to the others.")
    free_limit = models.PositiveSmallIntegerField(null=True, blank=True)
    registration_wall = models.PositiveSmallIntegerField(null=True, blank=True)
    headline = models.CharField(max_length=200, blank=True,
                                help_text="Paywall headline at the limit; {free_limit} is replaced by the limit.")
    plan_order = models.CharField(max_length=200, blank=True, help_text="Plan codes, first to last, comma-separated.")
    highlight_plan = models.CharField(max_length=40, blank=True)
    highlight_text = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["experiment", "-is_control", "pk"]
        constraints = [models.UniqueConstraint(fields=["experiment", "slug"], name="analytics_variant_slug_once")]

    def __str__(self) -> str:
        return f"{self.experiment.name}: {self.name}"

    @property
    def key(self) -> str:
        return f"{self.experiment.slug}:{self.slug}"


HOLDOUT = "holdout"


class Assignment(models.Model):
    """Which arm a reader is in: written once, never changed (sticky)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    reader = models.CharField(max_length=16, help_text="Keyed hash of the meter key.")
    arm = models.CharField(max_length=40, help_text=f"A variant's slug, or '{HOLDOUT}'.")
    day = models.DateField()
    carried = models.BooleanField(default=False, help_text="An account that took its anonymous meter's arm at "
                                  "sign-in (the same reader: not counted twice).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["experiment", "reader"], name="analytics_assigned_once")]
        indexes = [models.Index(fields=["experiment", "arm"])]


class ExperimentDay(models.Model):
    """Each arm's readers, paywall views, checkouts, subscriptions and revenue per day."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="days")
    arm = models.CharField(max_length=40)
    day = models.DateField()
    readers = models.PositiveIntegerField(default=0)
    paywall_views = models.PositiveIntegerField(default=0)
    checkouts = models.PositiveIntegerField(default=0)
    subscriptions = models.PositiveIntegerField(default=0)
    revenue = models.BigIntegerField(default=0, help_text="Paise after GST.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["experiment", "arm", "day"], name="analytics_experiment_day_once")]


class ReportRecipient(models.Model):
    """A staff member who gets the weekly revenue report."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.user.get_username()
