"""A publication's content: sections, authors, tags, sources and articles."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from masthead.content import access_rule
from masthead.content.sanitize import clean_html, plain_text
from masthead.core import clock


GSTIN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z]$")


def validate_gstin(value: str) -> None:
    """A GSTIN's shape: state code, PAN, entity number, Z, check character (15 characters)."""
    from django.core.exceptions import ValidationError

    if not GSTIN_PATTERN.match(value or ""):
        raise ValidationError(
            f"{value!r} is not a GSTIN: 15 characters, e.g. 27AABCM1234F1Z5 (capital letters and digits)."
        )


def validate_time_zone(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone (for example Asia/Kolkata).") from exc


class Publication(models.Model):
    name = models.CharField(max_length=200, default="Masthead")
    tagline = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone])
    currency = models.CharField(max_length=3, default="INR")
    locale = models.CharField(max_length=16, default="en-IN")
    public_url = models.URLField(blank=True, help_text="Scheme and host readers use, e.g. https://news.example.com")
    logo_text = models.CharField(max_length=60, blank=True, help_text="Short name for the masthead, if different.")
    legal_name = models.CharField(
        max_length=200, blank=True, help_text="The company that publishes, as registered; on invoices and the Contact page."
    )
    address = models.TextField(blank=True, help_text="The registered address, shown on the Contact page and invoices.")
    gstin = models.CharField("GSTIN", max_length=15, blank=True, validators=[validate_gstin])
    contact_email = models.EmailField(blank=True, help_text="Where readers write; replies to the site's e-mails go here.")
    phone = models.CharField("contact phone", max_length=40, blank=True, help_text="Shown on the Contact page.")
    # newsroom (issue 17): the curation desk counts today's premium stories against this.
    premium_target = models.PositiveIntegerField(
        "premium stories a day", default=30,
        help_text="The desk's daily target, as the offer promises: \"30+ premium stories a day, handpicked by our editors\".",
    )

    class Meta:
        verbose_name = "publication"

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def babel_locale(self) -> str:
        return (self.locale or "en-IN").replace("-", "_")

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)


class Section(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_premium = models.BooleanField(
        "premium", default=False, help_text="Every story in this section is for subscribers."
    )
    in_navigation = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    @property
    def shows_premium(self) -> bool:
        """Every story here needs a subscription, by its own flag or the publisher's rules."""
        return access_rule.section_is_premium(self)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:section", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Markets Editor")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:author", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:tag", args=[self.slug])


class Source(models.Model):
    """A news agency whose wire copy the publication runs."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    disclaimer = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown under every story from this source; {publication} is replaced by the "
        "publication's name, e.g. 'Disclaimer: No {publication} journalist was involved in the "
        "creation of this content.'",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def disclaimer_for(self, publication_name: str) -> str:
        """The disclaimer line with the publication's name put in (plain replacement: a
        stray brace in the text is shown as typed, never an error)."""
        return (self.disclaimer or "").replace("{publication}", publication_name).strip()


# Is it live? A published or scheduled story whose time has come: this rule and its query
# form (ArticleQuerySet.live) are the only ones; no job has to run for a scheduled story.
LIVE_STATES = ("published", "scheduled")


def is_live(status: str, published_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether readers can see a story with this status and publication time at `now`."""
    return status in LIVE_STATES and published_at is not None and published_at <= now


class ArticleQuerySet(models.QuerySet):
    def live(self, now: dt.datetime | None = None) -> "ArticleQuerySet":
        """Articles readers can see now. A scheduled article is live once its time has come,
        so no job has to run for it to go out."""
        now = now or clock.now()
        return self.filter(status__in=LIVE_STATES, published_at__lte=now)

    def live_between(self, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> "ArticleQuerySet":
        """Articles live now and published in [start, end), with one upper bound on the time:
        the earlier of `end` and now. (SQLite's planner bounds an index range by one of two
        upper bounds, and with "<= now" a day of 2011 was a range from that day to today.)"""
        now = now or clock.now()
        if end <= now:
            return self.filter(status__in=LIVE_STATES, published_at__gte=start, published_at__lt=end)
        return self.filter(status__in=LIVE_STATES, published_at__gte=start, published_at__lte=now)

    def for_listing(self) -> "ArticleQuerySet":
        return self.select_related("section").prefetch_related("authors").defer("body")


def article_path(day: dt.date, slug: str) -> str:
    """A story's address from its local publication day and slug, as the content:article
    route reverses it (tests hold the two together); sitemaps build fifty thousand at a
    time with it, where reversing each would cost a second."""
    return f"/{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Access(models.TextChoices):
        FREE = "free", "Free"
        METERED = "metered", "Metered"
        PREMIUM = "premium", "Premium"

    class Origin(models.TextChoices):
        STAFF = "staff", "Staff"
        WIRE = "wire", "Wire"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    standfirst = models.TextField(blank=True, help_text="The summary under the headline; shown to every reader.")
    body = models.TextField(blank=True, help_text="HTML; cleaned on save.")
    lead_image = models.ImageField(upload_to="articles/%Y/%m/", blank=True)
    lead_image_alt = models.CharField(max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    # The picture library's lead picture (issue 17); when set it is shown, with renditions, in
    # place of the uploaded lead_image above (kept for wire pictures and older stories).
    lead_picture = models.ForeignKey(
        "content.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_of",
        help_text="From the picture library; shown at the sizes each page needs.",
    )

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="When the story was last updated for readers.")
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.METERED)
    is_editors_pick = models.BooleanField("editors' pick", default=False)
    is_top_story = models.BooleanField("top story", default=False)
    # newsroom (issue 17): the desk numbers the picks for the home page; empty = after the numbered ones.
    home_order = models.PositiveSmallIntegerField(
        "home page order", null=True, blank=True,
        help_text="Where an editors' pick stands on the home page (1 first); empty: after the numbered picks, newest first.",
    )

    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.STAFF)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    source_reference = models.CharField(max_length=200, blank=True, help_text="The agency's own id for the story.")
    credit = models.CharField(
        "byline as printed", max_length=300, blank=True,
        help_text="e.g. 'By Meredith Jameson, AFP' (wire stories); empty: the authors, or the source's name.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, help_text="Who last published, scheduled or withdrew the story.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["section", "status", "published_at"]),
            # Listings at archive scale read these in date order and find the live rows in
            # the index itself (status last), never in the wide rows: the newest stories
            # (front page, feeds, sitemaps, archive counts) and a section's.
            models.Index(fields=["published_at", "status", "updated_at"], name="article_live_by_date"),
            models.Index(fields=["section", "published_at", "status"], name="article_section_by_date"),
            # The front page's top stories and editors' picks: a few flagged stories among a
            # million. Without these the planner walks the date index through every
            # unflagged story (the whole archive when few are flagged); a partial index
            # holds only the flagged ones, in date order.
            models.Index(fields=["published_at", "status"], condition=Q(is_top_story=True),
                         name="article_top_stories"),
            models.Index(fields=["published_at", "status"], condition=Q(is_editors_pick=True),
                         name="article_editors_picks"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_reference"],
                condition=~Q(source_reference=""),
                name="unique_source_reference",
            ),
        ]
        # newsroom (issue 17): the roles (content.roles) are groups holding these.
        permissions = [
            ("publish_article", "Can publish, schedule and withdraw stories"),
            ("curate_article", "Can choose editors' picks and their home page order"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if not self.slug:
            self.slug = unique_slug(self.headline, exclude_pk=self.pk)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"modified_at"}
        super().save(*args, **kwargs)

    # --- what readers see -------------------------------------------------------------
    def is_live(self, now: dt.datetime | None = None) -> bool:
        return is_live(self.status, self.published_at, now or clock.now())

    def status_for_readers(self, now: dt.datetime | None = None) -> str:
        """The status as readers see it: a scheduled story whose time has come is published."""
        if self.status == self.Status.SCHEDULED and self.is_live(now):
            return "Published (was scheduled)"
        return self.get_status_display()

    def local_date(self) -> dt.date:
        from masthead.content.publication import current_publication

        moment = self.published_at or self.created_at or clock.now()
        return current_publication().local(moment).date()

    def get_absolute_url(self) -> str:
        day = self.local_date()
        return reverse(
            "content:article",
            kwargs={"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}", "slug": self.slug},
        )

    @property
    def summary(self) -> str:
        """Text that every reader may see: the standfirst, never the body."""
        return plain_text(self.standfirst)

    @property
    def is_premium(self) -> bool:
        """Premium under the access rules (its level, its section's, the publisher's lists)."""
        return access_rule.article_is_premium(self)

    @property
    def is_wire(self) -> bool:
        return self.origin == self.Origin.WIRE

    @property
    def disclaimer(self) -> str:
        """The source's disclaimer line for a wire story ("" for staff copy)."""
        if self.is_wire and self.source_id:
            from masthead.content.publication import current_publication

            return self.source.disclaimer_for(current_publication().name)
        return ""


class ArchiveDay(models.Model):
    """How many live stories one local day of the archive holds, and when the latest of them
    last changed: the archive's year, month and day lists and the sitemap index read these
    rows (one per day with stories, about 11,000 since 1997) instead of counting a million
    articles. Kept by content.rollup as stories are saved and deleted."""

    day = models.DateField(primary_key=True)
    # The day's year and month, so the lists of years and months are grouped by the database.
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    stories = models.PositiveIntegerField()
    last_modified = models.DateTimeField(help_text="The latest update or publication time among the day's stories.")

    class Meta:
        ordering = ["-day"]
        indexes = [models.Index(fields=["year", "month"], name="archive_day_by_month")]

    def __str__(self) -> str:
        return f"{self.day}: {self.stories}"


class LegalPage(models.Model):
    """A policy page the site links in its footer (payment providers require them before they
    activate a merchant account). Without a row, the page shows Masthead's default text."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of use"
        REFUNDS = "refunds", "Refund and cancellation policy"
        CONTACT = "contact", "Contact us"

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="HTML; cleaned on save. The Contact page adds the publication's "
                            "legal name, address, GSTIN, e-mail and phone under it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "policy page"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(f"content:{self.kind}")


# --- newsroom (issue 17): corrections and updates ----------------------------------------------

class Correction(models.Model):
    """A dated note an editor adds to a published story: a correction of a fact, or an update.

    Shown on the story to every reader (it is the newsroom's word, not gated text) and in
    its JSON-LD; added through content.actions.add_correction, which moves the "Updated" time.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="Plain text, shown as written to every reader.")
    at = models.DateTimeField(help_text="When the note was made; shown on the story.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.at:%Y-%m-%d %H:%M}"


def unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(text)[:180] or "story"
    candidate, n = base, 1
    while Article.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- pictures (issue 17): the library's model lives in pictures.py; importing it here registers it.
from masthead.content.pictures import Picture  # noqa: E402,F401
