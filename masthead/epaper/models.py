"""Editions of the print paper, their pages, the pages readers save and the clips they share.

Files (the original PDF, page images, clip images) live in the "epaper" storage, which is
never served as it stands: pages go out only through signed, expiring, reader-bound
addresses (epaper.images), clips only while their share is live. Rows change only through
epaper.actions.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from masthead.core import clock, dates


class Edition(models.Model):
    """One edition of one day's paper (a publication may print several: city editions)."""

    class State(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready (not published)"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    date = models.DateField(help_text="The day the paper was printed for.")
    name = models.CharField(max_length=80, default="Main", help_text="e.g. Main, Mumbai, Delhi.")
    slug = models.SlugField(max_length=80)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROCESSING, db_index=True)
    publish_when_ready = models.BooleanField(
        default=True, help_text="Publish as soon as processing succeeds (otherwise it waits as Ready).")
    original = models.CharField(max_length=300, blank=True, editable=False,
                                help_text="The uploaded PDF's name in the ePaper storage.")
    original_size = models.PositiveBigIntegerField(default=0, editable=False)
    page_count = models.PositiveIntegerField(default=0, editable=False)
    pages_done = models.PositiveIntegerField(default=0, editable=False)
    failure_reason = models.TextField(blank=True, editable=False)
    processing_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-date", "name"]
        constraints = [models.UniqueConstraint(fields=["date", "slug"], name="epaper_one_edition_name_a_day")]

    def __str__(self) -> str:
        return f"{self.name} edition, {dates.short_date(self.date)}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("epaper:edition", args=[self.date.isoformat(), self.slug])

    def page_url(self, number: int) -> str:
        return reverse("epaper:page", args=[self.date.isoformat(), self.slug, number])


class Page(models.Model):
    """One printed page: its images at three sizes and its text (for search)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    width = models.FloatField(help_text="In PDF points.")
    height = models.FloatField(help_text="In PDF points.")
    thumb = models.CharField(max_length=300)
    screen = models.CharField(max_length=300)
    zoom = models.CharField(max_length=300)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="epaper_one_page_number")]

    def __str__(self) -> str:
        return f"{self.edition}, page {self.number}"

    def get_absolute_url(self) -> str:
        return self.edition.page_url(self.number)

    def image(self, size: str) -> str:
        """The storage name of this page's image at `size` (thumb, screen or zoom)."""
        return {"thumb": self.thumb, "screen": self.screen, "zoom": self.zoom}[size]


class SavedPage(models.Model):
    """A page a subscriber saved to their account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_epaper_pages")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="saves")
    saved_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="epaper_save_a_page_once")]


def new_clip_token() -> str:
    return secrets.token_urlsafe(18)


class Clip(models.Model):
    """A rectangle of a page a subscriber shared: anyone with the link sees it until it
    expires or is revoked, and nothing else of the paper."""

    token = models.CharField(max_length=40, unique=True, default=new_clip_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="epaper_clips")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="clips")
    # The rectangle as fractions of the page (0..1), left, top, width, height.
    left = models.FloatField()
    top = models.FloatField()
    width = models.FloatField()
    height = models.FloatField()
    image = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Clip of {self.page}"

    def is_live(self, now=None) -> bool:
        now = now or clock.now()
        return self.revoked_at is None and self.expires_at > now

    def get_absolute_url(self) -> str:
        return reverse("epaper:clip", args=[self.token])
