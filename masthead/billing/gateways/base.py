"""The one interface every payment gateway implements, in Masthead's own terms.

Amounts are integers in minor units with a currency code; references are strings.
Each adapter translates its provider's SDK and payloads into these dataclasses, and
no provider's SDK is imported anywhere but its adapter module.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Protocol

from masthead.billing.discounts import OfferTerms


class GatewayError(Exception):
    """The provider refused or failed a request (shown to staff, never a stack trace to readers)."""


class InvalidSignature(GatewayError):
    """A webhook or a return from the provider did not carry a valid signature."""


@dataclass(frozen=True)
class CheckoutRequest:
    subscription_ref: str     # Masthead's reference, sent to the provider and echoed back
    plan_code: str
    plan_name: str
    amount: int
    currency: str
    term_months: int
    customer_email: str
    return_url: str           # absolute: where the provider sends the reader back
    cancel_url: str
    gateway_plan_ref: str = ""  # the provider's plan id, for providers that keep plans
    list_amount: int = 0      # the plan's own price per period (`amount` is what is paid now)
    trial_days: int = 0       # days before the first period; `amount` is the trial's price
    offer: OfferTerms | None = None  # the discount on the periods, in the provider's terms
    one_time: bool = False    # a single payment (a gift), not a renewing subscription


@dataclass(frozen=True)
class CheckoutStart:
    redirect_url: str
    gateway_ref: str          # the provider's id for the checkout or subscription
    gateway_plan_ref: str = ""


@dataclass(frozen=True)
class Payment:
    """A payment the provider confirmed (or declined), for one subscription period."""

    subscription_ref: str
    succeeded: bool
    payment_ref: str
    amount: int
    currency: str
    gateway_ref: str = ""         # provider subscription id
    payment_method: str = ""      # a reusable token for renewals, never a card number
    payment_method_label: str = ""  # "Visa ending 4242", "UPI Autopay"
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    failure_reason: str = ""
    at_checkout: bool = False     # the first payment, made on the checkout page (not a renewal)
    trial: bool = False           # the checkout started a trial: the period is the trial's days


@dataclass(frozen=True)
class RenewalCharge:
    subscription_ref: str
    payment_method: str
    amount: int
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class Refund:
    refund_ref: str
    payment_ref: str
    amount: int
    currency: str


class EventKind(str, enum.Enum):
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    SUBSCRIPTION_AUTHORISED = "subscription_authorised"  # mandate set up; informational
    SUBSCRIPTION_ENDED = "subscription_ended"            # halted, completed, cancelled now
    CANCEL_SCHEDULED = "cancel_scheduled"                # will not renew at period end
    REFUNDED = "refunded"


@dataclass(frozen=True)
class GatewayEvent:
    """One thing that happened at the provider, translated."""

    event_id: str
    kind: EventKind
    subscription_ref: str = ""    # Masthead's reference, when the provider echoes it
    gateway_ref: str = ""         # provider subscription id
    payment_ref: str = ""
    refund_ref: str = ""
    amount: int = 0
    currency: str = ""
    payment_method: str = ""
    payment_method_label: str = ""
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    for_period_end: dt.datetime | None = None
    occurred_at: dt.datetime | None = None
    failure_reason: str = ""
    at_checkout: bool = False     # the checkout's own payment, never a renewal
    trial: bool = False           # the checkout started a trial (period = the trial's days)
    raw_type: str = ""
    extra: dict = field(default_factory=dict)


def hmac_sha256(secret: str, message: bytes) -> str:
    """The hex HMAC-SHA256 of a message; refuses to sign anything with an empty secret."""
    if not secret:
        raise InvalidSignature("No signing secret is configured.")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(secret: str, message: bytes, signature: str) -> None:
    """The one check every signed message goes through (webhooks and returns, every gateway).

    An empty secret or an empty signature never verifies: an HMAC made with an empty key
    is something anyone can compute.
    """
    if not secret or not signature:
        raise InvalidSignature("The message is not signed, or no secret is configured to check it.")
    if not signature.isascii():
        # compare_digest() raises TypeError on other text: that is a forgery, not an error.
        raise InvalidSignature("The signature is not a hex digest.")
    if not hmac.compare_digest(hmac_sha256(secret, message), signature):
        raise InvalidSignature("The signature does not match.")


def verify_timestamped_signature(secret: str, body: bytes, header: str, *, tolerance: int, now: float) -> None:
    """The 't=<unix time>,v1=<hex HMAC of "t.body">' scheme (Stripe-Signature; the sandbox's too).

    Any one of several v1 values may match (a provider rolling its secret sends two);
    a timestamp further than `tolerance` seconds from now is refused as a replay.
    """
    pairs = [part.split("=", 1) for part in (header or "").split(",") if "=" in part]
    timestamps = [value for key, value in pairs if key.strip() == "t"]
    signatures = [value for key, value in pairs if key.strip() == "v1"]
    try:
        timestamp = int(timestamps[0])
    except (IndexError, ValueError):
        raise InvalidSignature("The signature has no timestamp.") from None
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("The signature is too old (possible replay).")
    message = f"{timestamp}.".encode() + body
    for signature in signatures:
        try:
            verify_signature(secret, message, signature)
        except InvalidSignature:
            continue
        return
    if not secret:
        raise InvalidSignature("No signing secret is configured.")
    raise InvalidSignature("The signature does not match its body.")


class Gateway(Protocol):
    """What billing.actions needs from a payment provider."""

    name: str
    renews_itself: bool  # True: the provider charges renewals and tells us by webhook
    webhook_max_bytes: int  # a webhook body longer than this is refused (413) unread

    @classmethod
    def is_configured(cls) -> bool:
        """True when every secret the adapter needs is set; otherwise its routes answer 404."""

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        """Create the provider's checkout and say where to send the reader."""

    def confirm(self, params: dict) -> Payment:
        """Check the signed return from the provider's page; raise InvalidSignature if forged."""

    def charge_renewal(self, charge: RenewalCharge) -> Payment:
        """Charge a stored payment method. The same idempotency key never charges twice."""

    def reconcile(self, gateway_ref: str) -> list[GatewayEvent]:
        """Ask the provider what happened to a subscription it renews itself."""

    def cancel(self, gateway_ref: str, *, at_period_end: bool = True) -> None:
        """Stop renewals at the provider."""

    def resume(self, gateway_ref: str) -> None:
        """Undo a cancel at period end."""

    def refund(self, payment_ref: str, amount: int, currency: str, idempotency_key: str) -> Refund:
        """Return money for a payment (all or part)."""

    def verify_and_parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[GatewayEvent]:
        """Verify the provider's signature over the raw body and translate the events."""


def gateway_class(name: str):
    """The adapter class for a gateway name, or None for a name Masthead does not know."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = settings.MASTHEAD_BILLING_GATEWAYS.get(name)
    return import_string(path) if path else None


def is_configured(name: str) -> bool:
    """A known gateway whose secrets are all set. Routes for any other answer 404."""
    cls = gateway_class(name)
    return cls is not None and cls.is_configured()


def get_gateway(name: str | None = None) -> Gateway:
    """The configured gateway (settings.MASTHEAD_BILLING_GATEWAY) or a named one."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    name = name or settings.MASTHEAD_BILLING_GATEWAY
    try:
        path = settings.MASTHEAD_BILLING_GATEWAYS[name]
    except KeyError:
        raise GatewayError(f"No payment gateway called {name!r} (known: {', '.join(settings.MASTHEAD_BILLING_GATEWAYS)})")
    return import_string(path)()
