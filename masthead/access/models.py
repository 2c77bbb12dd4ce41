"""The paywall's rules, the SQL meter's tables and the funnel counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def default_free_limit():
    return settings.MASTHEAD_FREE_LIMIT


def default_period():
    return settings.MASTHEAD_METER_PERIOD


def default_teaser_paragraphs():
    return settings.MASTHEAD_TEASER_PARAGRAPHS


def default_archive_days():
    return settings.MASTHEAD_ARCHIVE_DAYS


def default_registration_wall():
    return settings.MASTHEAD_REGISTRATION_WALL


def default_anonymous_meters_per_ip():
    return settings.MASTHEAD_ANONYMOUS_METERS_PER_IP


def default_crawler_domains():
    return "\n".join(settings.MASTHEAD_CRAWLER_DOMAINS)


def default_crawler_ip_ranges():
    return "\n".join(settings.MASTHEAD_CRAWLER_IP_RANGES)


class AccessRules(models.Model):
    """The publisher's paywall rules: one row (pk 1), edited in the admin.

    Until it is saved, the MASTHEAD_* environment defaults apply (access.rules).
    """

    class Period(models.TextChoices):
        MONTH = "month", "Calendar month (publication time zone)"
        THIRTY_DAYS = "30days", "Periods of 30 days"

    free_limit = models.PositiveSmallIntegerField(
        default=default_free_limit, help_text="Free metered articles per period; the number in the paywall text."
    )
    period = models.CharField(max_length=8, choices=Period.choices, default=default_period)
    teaser_paragraphs = models.PositiveSmallIntegerField(
        default=default_teaser_paragraphs, help_text="Paragraphs shown above the paywall."
    )
    archive_days = models.PositiveIntegerField(
        default=default_archive_days,
        help_text="Non-free articles older than this need the archive benefit. 0 turns the rule off.",
    )
    registration_wall = models.PositiveSmallIntegerField(
        default=default_registration_wall,
        help_text="After this many anonymous reads a free account is needed for the rest of the allowance. 0: off.",
    )
    anonymous_meters_per_ip = models.PositiveIntegerField(
        "new anonymous meters per address per day",
        default=default_anonymous_meters_per_ip,
        help_text="Beyond this, metered reads from that address (IPv6: its /64) need a free account. "
        "0: off (mobile networks put many readers behind one address).",
    )
    free_sections = models.ManyToManyField(
        "content.Section", blank=True, related_name="+", help_text="Stories in these sections are always free."
    )
    premium_sections = models.ManyToManyField(
        "content.Section", blank=True, related_name="+", help_text="Stories in these sections are always premium."
    )
    market_sections = models.ManyToManyField(
        "content.Section", blank=True, related_name="+", verbose_name="market analysis sections",
        help_text="The market analysis: stories in these sections need the market analysis benefit "
        "(a plan that sells it), not only a premium one.",
    )
    free_tags = models.ManyToManyField("content.Tag", blank=True, related_name="+")
    premium_tags = models.ManyToManyField("content.Tag", blank=True, related_name="+")
    crawler_domains = models.TextField(
        blank=True,
        default=default_crawler_domains,
        help_text="One per line. A crawler is verified when its address reverse-resolves to a host in one of "
        "these domains and that host resolves back to the address.",
    )
    crawler_ip_ranges = models.TextField(
        blank=True, default=default_crawler_ip_ranges, help_text="One network per line, e.g. 66.249.64.0/19."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paywall rules"
        verbose_name_plural = "paywall rules"

    def __str__(self) -> str:
        return f"{self.free_limit} free articles per {self.get_period_display().lower()}"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)


class MeterPeriod(models.Model):
    """One reader's count for one period; its row is the lock that serialises counting."""

    reader_key = models.CharField(max_length=48)
    period_key = models.CharField(max_length=16)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reader_key", "period_key"], name="meter_period_unique")]


class MeterRead(models.Model):
    """An article counted for a reader in a period (one row per distinct article)."""

    reader_key = models.CharField(max_length=48)
    period_key = models.CharField(max_length=16)
    item_id = models.BigIntegerField()
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader_key", "period_key", "item_id"], name="meter_read_unique")
        ]


class FunnelEvent(models.Model):
    """Daily counters of paywall funnel events, written in bulk off the hot path."""

    class Kind(models.TextChoices):
        METERED_READ = "metered_read", "Metered read"
        PAYWALL_SHOWN = "paywall_shown", "Paywall shown"
        LOGIN_FROM_PAYWALL = "login_from_paywall", "Login from paywall"

    day = models.DateField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    reason = models.CharField(max_length=32, blank=True)
    channel = models.CharField(max_length=12, blank=True, help_text="web or api")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "kind", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "reason", "channel"], name="funnel_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.reason} × {self.count}"
