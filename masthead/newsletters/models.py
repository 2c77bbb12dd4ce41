"""Newsletters: lists, who is on them (with the consent they gave), issues and each send.

A `Delivery` row exists per (issue, address) before anything is sent; the sender claims
a row (pending -> sending, committed) before handing the message to the mail server and
marks it sent after. A rerun after a crash sends only rows still pending, so nobody gets
an issue twice; a row left "sending" by a crash is reported, never retried blindly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from masthead.content.models import Article, Section


class NewsletterList(models.Model):
    class Audience(models.TextChoices):
        FREE = "free", "Free: anyone may join"
        SUBSCRIBERS = "subscribers", "Subscribers (the newsletters benefit)"

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        ISSUES = "issues", "When the editors send an issue"

    class Kind(models.TextChoices):
        CURATED = "curated", "Curated: editors build each issue"
        DIGEST = "digest", "Automatic digest on its cadence"

    class Shows(models.TextChoices):
        SUMMARIES = "summaries", "Headline, standfirst and link"
        FULL_TEXT = "full", "The whole story, for recipients who may read it"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=400, blank=True)
    topic = models.CharField(max_length=80, blank=True, help_text="e.g. Markets, Politics, Technology")
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.FREE)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CURATED)
    cadence = models.CharField(max_length=8, choices=Cadence.choices, default=Cadence.ISSUES)
    shows = models.CharField(max_length=10, choices=Shows.choices, default=Shows.SUMMARIES)
    send_hour = models.PositiveSmallIntegerField(
        default=7, help_text="Hour of the day (publication's time zone) a digest goes out.")
    send_weekday = models.PositiveSmallIntegerField(
        default=0, help_text="Day a weekly digest goes out: 0 Monday ... 6 Sunday.")
    digest_sections = models.ManyToManyField(Section, blank=True, related_name="+",
                                             help_text="A digest gathers the latest stories of these sections.")
    digest_editors_picks = models.BooleanField("digest of editors' picks", default=False)
    digest_size = models.PositiveSmallIntegerField(default=8, help_text="At most this many stories in a digest.")
    sender_name = models.CharField(max_length=120, blank=True, help_text="Blank: the publication's name.")
    sender_email = models.EmailField(blank=True, help_text="Blank: MASTHEAD_FROM_EMAIL.")
    reply_to = models.EmailField(blank=True, help_text="Blank: the publication's contact address.")
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False,
                                          help_text="When the last digest went out (its stories are newer).")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "newsletter"

    def __str__(self) -> str:
        return self.name

    @property
    def for_subscribers(self) -> bool:
        return self.audience == self.Audience.SUBSCRIBERS


class Signup(models.Model):
    """One address on one list: pending until confirmed (double opt-in), or left."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Receiving"
        LEFT = "left", "Unsubscribed"

    newsletter = models.ForeignKey(NewsletterList, on_delete=models.CASCADE, related_name="signups")
    email = models.EmailField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["newsletter", "email"], name="one_signup_per_address")]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"{self.email} on {self.newsletter}"


class Consent(models.Model):
    """What someone agreed to (or withdrew), when, where, and the words they were shown."""

    class Action(models.TextChoices):
        ASKED = "asked", "Asked to join"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrew"

    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField()
    source = models.CharField(max_length=40, help_text="newsletters page, account preferences, e-mail link...")
    wording = models.TextField(blank=True, help_text="The words shown when the reader agreed.")

    class Meta:
        ordering = ["at", "pk"]


class Suppression(models.Model):
    """An address nothing is sent to again: a hard bounce, a complaint, or staff's choice."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Hard bounce"
        COMPLAINED = "complained", "Spam complaint"
        STAFF = "staff", "Suppressed by staff"

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(NewsletterList, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Plain text; blank lines separate paragraphs.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    send_at = models.DateTimeField(null=True, blank=True, help_text="When a scheduled issue goes out.")
    is_digest = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.newsletter}: {self.subject}"


class IssueArticle(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "article"], name="article_once_per_issue")]
        verbose_name = "story"
        verbose_name_plural = "stories, in order"


class Delivery(models.Model):
    """One recipient's copy of one issue."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Handed to the mail server (outcome unknown)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Refused by the mail server"
        SKIPPED = "skipped", "Skipped"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    signup = models.ForeignKey(Signup, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["issue", "email"], name="one_delivery_per_address")]
        indexes = [models.Index(fields=["issue", "status"], name="delivery_issue_status",
                                condition=Q(status="pending"))]
