"""Wire sources, the stories they sent, their revisions, and what could not be read."""

from __future__ import annotations

from django.db import models

from masthead.content.models import Article, Section, Source, Tag

DEFAULT_DISCLAIMER = "Disclaimer: No {publication} journalist was involved in the creation of this content."


class WireSource(models.Model):
    """How one agency's copy arrives and becomes articles (its name and disclaimer live on
    content's Source, which every wire story points to)."""

    class Format(models.TextChoices):
        AUTO = "auto", "Detect from each file"
        NINJS = "ninjs", "ninjs (1.x, 2.x, 3.0)"
        NEWSML = "newsml-g2", "NewsML-G2 / NITF"
        FEED = "feed", "RSS 2.0 / Atom"

    class Transport(models.TextChoices):
        FOLDER = "folder", "Watched folder"
        HTTP = "http", "HTTP(S) polling"
        UPLOAD = "upload", "Upload in the admin only"

    class Byline(models.TextChoices):
        WRITER_AND_AGENCY = "writer_and_agency", "By the writer, agency (By X, AFP)"
        AGENCY = "agency", "The agency alone (AFP)"
        WRITER = "writer", "The writer alone (By X), else the agency"

    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="wire")
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.AUTO)
    transport = models.CharField(max_length=8, choices=Transport.choices, default=Transport.FOLDER)
    location = models.CharField(
        max_length=500, blank=True,
        help_text="The watched folder (processed files move to processed/, failed ones to failed/ with "
        "their error beside them), or the feed's http(s) address.",
    )
    default_section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    default_tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    default_access = models.CharField(max_length=10, choices=Article.Access.choices, default=Article.Access.METERED)
    auto_publish = models.BooleanField(
        default=False, help_text="Publish stories as they arrive (at their embargo, if any); "
        "otherwise they land as drafts for an editor.",
    )
    byline_rule = models.CharField(max_length=20, choices=Byline.choices, default=Byline.WRITER_AND_AGENCY)
    credit = models.CharField(max_length=120, blank=True, help_text="The agency as bylines name it, e.g. AFP "
                              "(default: the source's name).")
    poll_minutes = models.PositiveIntegerField("poll interval (minutes)", default=5)
    enabled = models.BooleanField(default=True)

    # Polling state (kept by the transports).
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    failures = models.PositiveIntegerField(default=0, editable=False, help_text="Failed polls in a row.")
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    last_digest = models.CharField(max_length=64, blank=True, editable=False,
                                   help_text="The last feed response, so an unchanged one is not read again.")

    class Meta:
        ordering = ["source__name"]
        verbose_name = "wire source"

    def __str__(self) -> str:
        return self.source.name

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def agency(self) -> str:
        return self.credit or self.source.name


class SubjectMapping(models.Model):
    """A subject code (IPTC media topic, the agency's own) or name -> a section and tags."""

    wire_source = models.ForeignKey(WireSource, on_delete=models.CASCADE, related_name="mappings")
    subject = models.CharField(max_length=200, help_text="A code such as medtop:04000000, or a subject name "
                               "such as Technology (case does not matter).")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0, help_text="The first matching mapping with a section sets it.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.subject


class WireStory(models.Model):
    """One agency item (known by its source and GUID) and the article it became."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHHELD = "withheld", "Withheld by the agency"
        WITHDRAWN = "withdrawn", "Withdrawn (killed) by the agency"

    wire_source = models.ForeignKey(WireSource, on_delete=models.PROTECT, related_name="stories")
    guid = models.CharField(max_length=500)
    article = models.OneToOneField(Article, on_delete=models.PROTECT, related_name="wire_story")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    version = models.PositiveBigIntegerField(null=True, blank=True)
    version_created = models.DateTimeField(null=True, blank=True)
    first_created = models.DateTimeField(null=True, blank=True)
    embargo_until = models.DateTimeField(null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(null=True, blank=True)
    item_digest = models.CharField(max_length=64, help_text="What the agency last sent.")
    text_digest = models.CharField(max_length=64, help_text="The article's text as the wire last wrote it.")
    dateline = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=20, blank=True)
    rights = models.CharField(max_length=500, blank=True)
    format = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name_plural = "wire stories"
        constraints = [models.UniqueConstraint(fields=["wire_source", "guid"], name="wire_story_unique_guid")]

    def __str__(self) -> str:
        return self.guid


class Revision(models.Model):
    """One version of a story as the agency sent it, and what became of it."""

    class State(models.TextChoices):
        APPLIED = "applied", "Applied"
        PENDING = "pending", "Waiting for an editor (the story was edited here)"
        SUPERSEDED = "superseded", "Superseded by a newer version"
        DISCARDED = "discarded", "Discarded by an editor"

    story = models.ForeignKey(WireStory, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveBigIntegerField(null=True, blank=True)
    version_created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices)
    headline = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "wire revision"

    def __str__(self) -> str:
        return f"{self.headline} (version {self.version or '-'})"


class Quarantined(models.Model):
    """A document or item that could not be ingested: kept whole, with the reason, until an
    editor has it processed again (after the agency or the parser is fixed) or discards it."""

    wire_source = models.ForeignKey(WireSource, on_delete=models.PROTECT, related_name="quarantined")
    name = models.CharField(max_length=300, help_text="The file, address or item it came from.")
    reference = models.CharField(max_length=300, blank=True, help_text="The item within the document, if one.")
    reason = models.TextField()
    document = models.FileField(upload_to="wire/quarantine/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    received_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "quarantined item"
        verbose_name_plural = "quarantine"

    def __str__(self) -> str:
        return f"{self.name}: {self.reason[:80]}"
