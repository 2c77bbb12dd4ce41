"""Reader accounts: devices, complimentary and group access, ad slots, partner codes."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from masthead.access import benefits as registry
from masthead.access.benefits import Benefit



class Device(models.Model):
    """One signed-in browser or app, keyed to its Django session."""

    class Kind(models.TextChoices):
        WEB = "web", "Browser"
        APP = "app", "App"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.WEB)
    session_key = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=100, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "last_seen"])]
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class AppToken(models.Model):
    """An app's credential for the headless API: only its SHA-256 is stored.

    The token stands for a Django session (the app's device); revoking the device
    deletes the session and its tokens.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    session_key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token {self.token_hash[:8]}…"


class ComplimentaryGrant(models.Model):
    """Access a member of staff gives a reader for a while, with a reason."""

    class Reason(models.TextChoices):
        STAFF = "staff", "Staff"
        PRESS = "press", "Press"
        GIFT = "gift", "Gift"
        SUPPORT = "support", "Support"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complimentary_grants"
    )
    all_benefits = models.BooleanField(default=True, help_text="Everything a subscription carries.")
    benefits = models.JSONField(default=list, blank=True, help_text="Used when not all benefits.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ends_at"])]
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} access for {self.user}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The grant must end after it starts."})
        if not self.all_benefits and not self.benefits:
            raise ValidationError({"benefits": "Choose the benefits, or tick all benefits."})

    def benefit_set(self) -> set[Benefit]:
        if self.all_benefits:
            return set(registry.ALL)
        return set(registry.from_codes(self.benefits))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class Organisation(models.Model):
    """Group access: everyone verified at its e-mail domains, or reading from its networks."""

    name = models.CharField(max_length=200)
    email_domains = models.TextField(blank=True, help_text="One domain a line, e.g. example.com.")
    ip_ranges = models.TextField(blank=True, help_text="One CIDR range a line, e.g. 203.0.113.0/24.")
    seat_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Distinct verified members by e-mail domain; empty for no limit."
    )
    all_benefits = models.BooleanField(default=True)
    benefits = models.JSONField(default=list, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def domains(self) -> list[str]:
        return [d.lower().lstrip("@") for d in _lines(self.email_domains)]

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(r, strict=False) for r in _lines(self.ip_ranges)]

    def clean(self):
        errors = {}
        bad = []
        for r in _lines(self.ip_ranges):
            try:
                ipaddress.ip_network(r, strict=False)
            except ValueError:
                bad.append(r)
        if bad:
            errors["ip_ranges"] = "Not a CIDR range: " + ", ".join(bad)
        bad_domains = [d for d in self.domains() if "." not in d or "@" in d or " " in d]
        if bad_domains:
            errors["email_domains"] = "Not a domain: " + ", ".join(bad_domains)
        if not self.all_benefits and not self.benefits:
            errors["benefits"] = "Choose the benefits, or tick all benefits."
        if errors:
            raise ValidationError(errors)

    def benefit_set(self) -> set[Benefit]:
        if self.all_benefits:
            return set(registry.ALL)
        return set(registry.from_codes(self.benefits))


class OrganisationMember(models.Model):
    """A seat taken by a verified reader at one of the organisation's domains (or a refusal)."""

    class Status(models.TextChoices):
        MEMBER = "member", "Member"
        REFUSED = "refused", "Refused: no seat left"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)
    joined_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="accounts_one_seat_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.email} at {self.organisation}"


class AdSlot(models.Model):
    """Where an advertisement goes: the publisher's markup and the box it reserves."""

    name = models.SlugField(max_length=50, unique=True, help_text='Used in templates: {% ad_slot "name" %}.')
    markup = models.TextField(
        blank=True,
        help_text=(
            "The ad's HTML: links, images, boxes and iframes from the configured ad hosts. "
            "Scripts and anything else outside that list are removed when the slot is saved."
        ),
    )
    width = models.PositiveIntegerField(default=300, help_text="Pixels, reserved so the page does not jump.")
    height = models.PositiveIntegerField(default=250, help_text="Pixels, reserved so the page does not jump.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        # Markup runs on every reader page: editing it is a permission of its own, apart
        # from changing a slot's size or switching it off.
        permissions = [("edit_ad_markup", "Can edit the HTML of ad slots")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Cleaned on save (and again when loaded to render): markup is staff-typed HTML.
        from masthead.accounts import ads

        self.markup = ads.clean_markup(self.markup)
        super().save(*args, **kwargs)


class PartnerCode(models.Model):
    """An activation code for a partner publication, handed to one subscriber."""

    partner = models.CharField(max_length=100)
    code = models.CharField(max_length=100)
    expires_on = models.DateField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="partner_codes"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["partner", "expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="accounts_partner_code_unique"),
            # The final guard: one code per reader, whatever the claim path.
            models.UniqueConstraint(
                fields=["claimed_by"], condition=Q(claimed_by__isnull=False), name="accounts_one_code_per_reader"
            ),
        ]
        indexes = [models.Index(fields=["claimed_by", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.partner}: {self.code}"
