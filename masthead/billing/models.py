"""Billing: plans, subscriptions, the webhook inbox, the ledger and tax invoices.

State changes go through masthead.billing.actions; the rules of a subscription's
life are in masthead.billing.states. Nothing here changes state on its own.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from masthead.access import benefits as registry
from masthead.access.benefits import Benefit
from masthead.billing.states import GRANTING_STATES, grants_access
from masthead.core.money import Money


class KeptQuerySet(models.QuerySet):
    """Rows the books must keep (subscriptions, the ledger, tax invoices): never deleted in bulk."""

    def delete(self):
        raise ValueError(f"{self.model._meta.verbose_name_plural.capitalize()} are kept: they are never deleted.")


class Plan(models.Model):
    """Something a reader can buy: a price for a term, renewing automatically."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    price = models.PositiveIntegerField(help_text="Tax-inclusive price in minor units (paise): ₹900 is 90000.")
    currency = models.CharField(max_length=3, default="INR")
    term_months = models.PositiveSmallIntegerField(help_text="Months each payment covers: 3, 12, 24...")
    is_visible = models.BooleanField("visible", default=True, help_text="Shown on the paywall and /subscribe.")
    is_active = models.BooleanField("active", default=True, help_text="Can be bought or renewed.")
    display_order = models.PositiveSmallIntegerField(default=0)
    benefits = models.JSONField(
        default=list, blank=True,
        help_text="The benefits a subscription to this plan opens (codes from the benefit registry); "
                  "the offer copy lists them.",
    )
    highlight = models.CharField(max_length=60, blank=True, help_text="Optional badge, e.g. 'Best value'.")
    gateway_refs = models.JSONField(
        default=dict, blank=True, help_text="The plan's id at each gateway that keeps its own plans (Razorpay)."
    )

    class Meta:
        ordering = ["display_order", "price"]

    def __str__(self) -> str:
        return self.name

    @property
    def money(self) -> Money:
        return Money(self.price, self.currency)

    def benefit_set(self) -> frozenset[Benefit]:
        """What a subscription to this plan opens (only benefits Masthead delivers)."""
        return registry.from_codes(self.benefits) & registry.SELLABLE


class SubscriptionQuerySet(KeptQuerySet):
    def granting(self, now):
        """Subscriptions that open their plan's benefits at `now` (states.grants_access as a query)."""
        return self.filter(state__in=[s.value for s in GRANTING_STATES], access_until__gt=now)


def new_reference() -> str:
    return "sub_" + secrets.token_hex(10)


class Subscription(models.Model):
    """A reader's subscription to a plan. Its state only changes through billing.actions."""

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        TRIALING = "trialing", "Free trial (first charge when it ends)"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment overdue"
        CANCELLED = "cancelled", "Cancelled (access until the period ends)"
        EXPIRED = "expired", "Ended"
        REFUNDED = "refunded", "Refunded"

    reference = models.CharField(max_length=40, unique=True, default=new_reference, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    next_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Plan the subscription moves to at its next renewal.",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    gateway = models.CharField(max_length=20)
    gateway_ref = models.CharField(max_length=100, blank=True, db_index=True,
                                   help_text="The gateway's id for this subscription or checkout.")
    payment_method = models.CharField(max_length=100, blank=True, help_text="Stored token (never a card number).")
    payment_method_label = models.CharField(max_length=60, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True, db_index=True, help_text="Paid through.")
    access_until = models.DateTimeField(null=True, blank=True, db_index=True)
    grace_until = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    notice_sent_for = models.DateTimeField(null=True, blank=True, help_text="Period end the pre-debit notice covered.")
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    return_to = models.CharField(max_length=500, blank=True)
    buyer_gstin = models.CharField("buyer's GSTIN", max_length=15, blank=True,
                                   help_text="Given at checkout for a business invoice; printed on every invoice.")
    buyer_state = models.CharField("buyer's state", max_length=2, blank=True,
                                   help_text="GST state code given at checkout: the place of supply.")
    offer = models.ForeignKey("Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="subscriptions",
                              help_text="The offer the reader subscribed with (its discount applies to renewals).")
    discounted_charges = models.PositiveSmallIntegerField(
        default=0, help_text="Charges made at the offer's price so far (the offer says how many it gives).")
    retention_offered_at = models.DateTimeField(null=True, blank=True,
                                                help_text="When the cancel page offered a retention offer (once).")
    imported_from = models.CharField(max_length=60, blank=True,
                                     help_text="The system this subscriber was imported from, if any.")
    version = models.PositiveIntegerField(default=0, help_text="Bumped on every change (lost-update guard).")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.plan}, {self.get_state_display()})"

    def grants_access(self, now) -> bool:
        return grants_access(self, now)

    def delete(self, *args, **kwargs):
        raise ValueError("Subscriptions are kept with their ledger: cancel or refund instead of deleting.")

    @property
    def renews(self) -> bool:
        return self.state in (self.State.TRIALING, self.State.ACTIVE, self.State.PAST_DUE)

    @property
    def renewal_plan(self) -> Plan:
        return self.next_plan or self.plan


class WebhookEvent(models.Model):
    """A provider's notification, stored raw before anything else happens."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected (bad signature)"
        DUPLICATE = "duplicate", "Duplicate delivery"

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=120, null=True, blank=True)
    event_type = models.CharField(max_length=80, blank=True)
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    error = models.TextField(blank=True)
    events = models.JSONField(default=list, blank=True, help_text="The verified events, translated.")
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="billing_webhook_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_type or '?'} {self.event_id or ''}"


class LedgerEntry(models.Model):
    """One money movement or failed attempt. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"
        FAILURE = "failure", "Failed charge"

    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="ledger")
    gift = models.ForeignKey("Gift", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger",
                             help_text="For a gift's payment (a one-time payment, no subscription).")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.PositiveIntegerField(help_text="Minor units (paise).")
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=20)
    gateway_payment_ref = models.CharField(max_length=100, blank=True, db_index=True)
    gateway_refund_ref = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    list_price = models.PositiveIntegerField(null=True, blank=True,
                                             help_text="The plan's price for this period, before any offer (paise).")
    discount = models.PositiveIntegerField(default=0, help_text="What the offer took off the list price (paise).")
    offer_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {Money(self.amount, self.currency)} ({self.idempotency_key})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("The ledger is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The ledger is append-only: entries are never deleted.")


class InvoiceCounter(models.Model):
    """The last invoice number used in a financial year; locked while a number is taken."""

    financial_year = models.CharField(max_length=7, unique=True)  # "2026-27"
    last_number = models.PositiveIntegerField(default=0)


class Invoice(models.Model):
    """A GST tax invoice for one successful payment; the figures are frozen when issued."""

    number = models.CharField(max_length=16, unique=True)
    financial_year = models.CharField(max_length=7)
    sequence = models.PositiveIntegerField()
    payment = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="invoice")
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="invoices")
    gift = models.ForeignKey("Gift", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="invoices")
    issued_at = models.DateTimeField()
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField(blank=True)
    seller_gstin = models.CharField(max_length=15, blank=True)
    buyer_name = models.CharField(max_length=200, blank=True)
    buyer_email = models.CharField(max_length=254, blank=True)
    buyer_gstin = models.CharField("buyer's GSTIN", max_length=15, blank=True)
    buyer_state = models.CharField("place of supply", max_length=2, blank=True,
                                   help_text="The buyer's GST state code; blank when they named none.")
    seller_state = models.CharField("supplier's state", max_length=2, blank=True)
    description = models.CharField(max_length=300)
    currency = models.CharField(max_length=3)
    total = models.PositiveIntegerField()
    taxable_value = models.PositiveIntegerField()
    cgst = models.PositiveIntegerField(default=0)
    sgst = models.PositiveIntegerField(default=0)
    igst = models.PositiveIntegerField(default=0)
    gst_rate = models.PositiveSmallIntegerField()

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "sequence"], name="billing_invoice_number_once"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst

    def save(self, *args, **kwargs):
        # An issued tax invoice is final: a credit note corrects it, nothing edits it.
        # (Erasure anonymises the buyer with a queryset update, which the law allows.)
        if self.pk is not None:
            raise ValueError("An issued invoice is never changed; issue a credit note instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An issued invoice is never deleted; issue a credit note instead.")


class Offer(models.Model):
    """A price a publisher sells with: a discount for some periods, a trial, or both, behind a code.

    Shown to readers through billing.discounts ("₹450 for the first 3 months, then ₹900
    every 3 months"); redeemed only through billing.redemptions.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Amount off"
        NONE = "none", "No discount (a trial only)"

    class Purpose(models.TextChoices):
        INTRODUCTORY = "introductory", "Introductory (new subscribers)"
        RETENTION = "retention", "Retention (shown once on the cancel page)"
        WIN_BACK = "win_back", "Win-back (sent to lapsed subscribers)"
        CAMPAIGN = "campaign", "Campaign or coupon"

    code = models.CharField(max_length=40, unique=True,
                            help_text="What readers type or follow (/subscribe/?offer=CODE); letters, digits, - and _.")
    name = models.CharField(max_length=100)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.CAMPAIGN)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent_off = models.PositiveSmallIntegerField(default=0, help_text="For a percent discount: 1 to 100.")
    amount_off = models.PositiveIntegerField(default=0, help_text="For an amount discount: paise off each period.")
    periods = models.PositiveSmallIntegerField(
        default=1, help_text="How many periods the discount lasts (1 = the first period only); 0 = forever.")
    trial_days = models.PositiveSmallIntegerField(default=0, help_text="Days of trial before the first period.")
    trial_price = models.PositiveIntegerField(default=0, help_text="What the trial costs (paise); 0 = free.")
    plans = models.ManyToManyField(Plan, blank=True, related_name="offers",
                                   help_text="The plans it applies to; none chosen = every plan.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Not redeemable from this moment on.")
    max_redemptions = models.PositiveIntegerField(null=True, blank=True, help_text="Total redemptions allowed.")
    redemptions = models.PositiveIntegerField(default=0, editable=False,
                                              help_text="Counted with a conditional update: never past the limit.")
    once_per_reader = models.BooleanField(default=True)
    new_subscribers_only = models.BooleanField(default=True,
                                               help_text="Refused to readers who have ever paid for a subscription.")
    is_active = models.BooleanField("active", default=True)
    gateway_refs = models.JSONField(
        default=dict, blank=True,
        help_text="The offer at each provider: Razorpay's offer id (made in its dashboard), Stripe's coupon id.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Redemption(models.Model):
    """One reader's use of an offer, taken when the checkout starts (under the offer's limit)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="offer_redemptions")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="redemptions")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "user"], name="billing_offer_once_per_reader"),
        ]


class ArticleGift(models.Model):
    """A subscriber's link that lets anyone read one gated story for a few days."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_gifts")
    article_id = models.PositiveIntegerField(db_index=True)
    article_url = models.CharField(max_length=500)
    headline = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.headline or self.article_url} from {self.sender}"


def new_gift_reference() -> str:
    return "gft_" + secrets.token_hex(10)


class Gift(models.Model):
    """A gift subscription: months of a plan bought once for someone else, never renewing.

    Its life: bought (pending) -> paid -> sent to the recipient on its delivery date ->
    redeemed to an account; or refunded before it is redeemed. Changes go through
    billing.gifts; its payment and any refund are in the ledger like every payment.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid, to be sent on its delivery date"
        SENT = "sent", "Sent to the recipient"
        REDEEMED = "redeemed", "Redeemed"
        REFUNDED = "refunded", "Refunded (cancelled)"
        FAILED = "failed", "Payment failed"

    MONTHS = (3, 6, 12)

    reference = models.CharField(max_length=40, unique=True, default=new_gift_reference, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="gifts")
    months = models.PositiveSmallIntegerField(choices=[(m, f"{m} months") for m in MONTHS])
    amount = models.PositiveIntegerField(help_text="What the buyer paid, tax-inclusive, in paise.")
    currency = models.CharField(max_length=3, default="INR")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="gifts_bought")
    buyer_name = models.CharField(max_length=150, blank=True)
    buyer_email = models.EmailField()
    recipient_name = models.CharField(max_length=150, blank=True)
    recipient_email = models.EmailField()
    message = models.TextField(blank=True, max_length=1000)
    deliver_on = models.DateField(help_text="The day (in the publication's time zone) the recipient is e-mailed.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    gateway = models.CharField(max_length=20)
    gateway_ref = models.CharField(max_length=100, blank=True, db_index=True)
    payment_ref = models.CharField(max_length=100, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="gifts_received")
    redeemed_at = models.DateTimeField(null=True, blank=True)
    access_from = models.DateTimeField(null=True, blank=True, db_index=True)
    access_until = models.DateTimeField(null=True, blank=True, db_index=True)
    extended = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="gifts",
                                 help_text="The recipient's renewing subscription whose renewal the gift pushed back.")
    continue_sent_at = models.DateTimeField(null=True, blank=True,
                                            help_text="When the recipient was offered to continue (once).")
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "deliver_on"])]

    def __str__(self) -> str:
        return f"{self.plan} for {self.months} months to {self.recipient_email}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def delete(self, *args, **kwargs):
        raise ValueError("Gifts are kept with their ledger: refund instead of deleting.")


class WinBackSend(models.Model):
    """One win-back offer e-mailed to one lapsed reader: reruns of the send skip them."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="win_back_sends")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="win_back_sends")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["offer", "user"], name="billing_win_back_once_per_reader")]
