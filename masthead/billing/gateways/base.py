"""The one interface every payment gateway implements, in Masthead's own terms.

Amounts are integers in minor units with a currency code; references are strings.
Each adapter translates its provider's SDK and payloads into these dataclasses, and
no provider's SDK is imported anywhere but its adapter module.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Protocol


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
    raw_type: str = ""
    extra: dict = field(default_factory=dict)


class Gateway(Protocol):
    """What billing.actions needs from a payment provider."""

    name: str
    renews_itself: bool  # True: the provider charges renewals and tells us by webhook

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
