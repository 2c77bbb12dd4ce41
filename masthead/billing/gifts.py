"""Gift subscriptions: months of a plan bought once for someone else, never renewing.

Anyone (signed in or not) buys 3, 6 or 12 months of a plan as a one-time payment for a
recipient's e-mail, with a message and a delivery day. On that day (the publication's
calendar) the worker e-mails the recipient a signed redemption link. Redeeming opens the
plan's benefits for the gift's months (billing.entitlements.gift_source) and nothing
renews; a week before the gift ends the recipient is offered to continue.

Price: the plan's price pro-rated per month (price * months / term, rounded down to the
paisa): 6 months of Smart Essential (₹2,700 a year) is ₹1,350. GST is inside the price
and broken out on the invoice as for every payment.

A gift to a reader with a renewing subscription pushes that renewal back by the gift's
months (actions.postpone_renewal; on Stripe its next invoice moves too): the gift pays for
the months after the paid period. Otherwise (a cancelled subscription, another gift, a
Razorpay subscription, whose next charge its API cannot move) the gift's months start when
the access they hold ends; a Razorpay subscription is then cancelled at its period's end, so
Razorpay never charges for months the gift paid for.

Every change is here, each in one transaction; e-mails go out on commit. The payment is
idempotent per provider payment id (a webhook replayed, or the webhook and the return
both bringing it, make one ledger entry and one gift), and a redemption is claimed with
a conditional update, so the same link redeemed twice at once redeems once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from masthead.billing import actions, emails
from masthead.billing.gateways.base import (
    CheckoutRequest,
    CheckoutStart,
    EventKind,
    Gateway,
    GatewayError,
    GatewayEvent,
    Payment,
    get_gateway,
)
from masthead.billing.models import Gift, LedgerEntry, Plan, Subscription
from masthead.billing.periods import add_months, publication_zone
from masthead.billing.states import State
from masthead.core import clock
from masthead.core.db import is_unique_violation
from masthead.core.money import format_money

log = logging.getLogger(__name__)

PREFIX = "gft_"
SALT = "masthead.billing.gift"
CONTINUE_DAYS = 7  # the offer to continue goes out this many days before the gift ends
MESSAGE_LIMIT = 1000


class GiftRefused(Exception):
    """Something about a gift the reader or staff should be told, in words."""


@dataclass(frozen=True)
class GiftOrder:
    """What the buyer filled in on /gift/."""

    plan: Plan
    months: int
    recipient_email: str
    deliver_on: dt.date
    buyer_email: str
    recipient_name: str = ""
    message: str = ""
    buyer_name: str = ""


def price_of(plan: Plan, months: int) -> int:
    """The gift's price in paise: the plan's price pro-rated per month, rounded down."""
    return plan.price * months // plan.term_months


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or clock.now()).astimezone(publication_zone()).date()


def check_order(order: GiftOrder, *, now: dt.datetime | None = None) -> None:
    """GiftRefused naming the first thing wrong with an order; nothing is written."""
    if not order.plan.is_active:
        raise GiftRefused("That plan is no longer on sale.")
    if order.months not in Gift.MONTHS:
        raise GiftRefused("Choose 3, 6 or 12 months.")
    for label, address in (("recipient's", order.recipient_email), ("your", order.buyer_email)):
        try:
            validate_email(address)
        except ValidationError:
            raise GiftRefused(f"Please give {label} e-mail address.") from None
    if len(order.message) > MESSAGE_LIMIT:
        raise GiftRefused(f"The message is longer than {MESSAGE_LIMIT} characters.")
    if order.deliver_on < local_today(now):
        raise GiftRefused("The delivery date is in the past: choose today or a later day.")
    if order.deliver_on > local_today(now) + dt.timedelta(days=366):
        raise GiftRefused("The delivery date must be within a year.")


# --- buying ------------------------------------------------------------------------------

def start_purchase(order: GiftOrder, buyer=None, *, return_url: str, cancel_url: str,
                   gateway: Gateway | None = None) -> tuple[Gift, CheckoutStart]:
    """Create the pending gift and the gateway's one-time checkout for it."""
    now = clock.now()
    check_order(order, now=now)
    gateway = gateway or get_gateway()
    if not getattr(gateway, "one_time_payments", False):
        raise GiftRefused("Gift subscriptions cannot be paid for here yet. Please try again later.")
    buyer = buyer if getattr(buyer, "is_authenticated", False) else None
    with transaction.atomic():
        gift = Gift.objects.create(
            plan=order.plan, months=order.months, amount=price_of(order.plan, order.months),
            currency=order.plan.currency, buyer=buyer, buyer_name=order.buyer_name[:150],
            buyer_email=order.buyer_email, recipient_name=order.recipient_name[:150],
            recipient_email=order.recipient_email, message=order.message, deliver_on=order.deliver_on,
            gateway=gateway.name, created_at=now, updated_at=now,
        )
        start = gateway.start_checkout(CheckoutRequest(
            subscription_ref=gift.reference, plan_code=order.plan.code,
            plan_name=f"Gift: {order.plan.name}, {order.months} months", amount=gift.amount,
            list_amount=gift.amount, currency=gift.currency, term_months=order.months,
            customer_email=order.buyer_email, return_url=return_url, cancel_url=cancel_url, one_time=True,
        ))
        gift.gateway_ref = start.gateway_ref
        gift.save(update_fields=["gateway_ref"])
    return gift, start


def _locked(reference: str = "", gateway_ref: str = "") -> Gift:
    query = Gift.objects.select_for_update(of=("self",)).select_related("plan", "buyer")
    if reference:
        return query.get(reference=reference)
    if gateway_ref:
        return query.get(gateway_ref=gateway_ref)
    raise Gift.DoesNotExist("The event names no gift.")


def _ledger(gift: Gift, kind: str, *, key: str, amount: int, payment_ref: str = "", refund_ref: str = "",
            reason: str = "", now: dt.datetime) -> LedgerEntry | None:
    """Append to the ledger once per idempotency key; None when the key is already there."""
    if LedgerEntry.objects.filter(idempotency_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                gift=gift, kind=kind, amount=amount, currency=gift.currency, gateway=gift.gateway,
                gateway_payment_ref=payment_ref, gateway_refund_ref=refund_ref, idempotency_key=key,
                plan=gift.plan, reason=reason[:300], created_at=now, list_price=gift.amount,
            )
    except IntegrityError as exc:
        if is_unique_violation(exc):
            return None
        raise


def confirm_payment(gateway_name: str, payment: Payment, *, occurred_at: dt.datetime | None = None) -> Gift:
    """Apply the gift's payment (signed return or webhook). Idempotent per payment."""
    now = occurred_at or clock.now()
    with transaction.atomic():
        gift = _locked(payment.subscription_ref, payment.gateway_ref)
        if not payment.succeeded:
            if gift.state == Gift.State.PENDING:
                _ledger(gift, LedgerEntry.Kind.FAILURE, key=f"failure:{gateway_name}:{payment.payment_ref}",
                        amount=gift.amount, payment_ref=payment.payment_ref, reason=payment.failure_reason, now=now)
                gift.state, gift.updated_at = Gift.State.FAILED, now
                gift.save(update_fields=["state", "updated_at"])
            return gift
        entry = _ledger(gift, LedgerEntry.Kind.CHARGE, key=f"payment:{gateway_name}:{payment.payment_ref}",
                        amount=payment.amount, payment_ref=payment.payment_ref,
                        reason=f"Gift of {gift.months} months to {gift.recipient_email}", now=now)
        if entry is None:
            return gift  # already applied: the return and the webhook both bring it
        from_state = gift.state
        gift.state, gift.paid_at, gift.payment_ref, gift.updated_at = Gift.State.PAID, now, payment.payment_ref, now
        gift.save(update_fields=["state", "paid_at", "payment_ref", "updated_at"])
        invoice = _issue_invoice(entry)
        if from_state == Gift.State.FAILED:
            log.warning("Gift %s was paid after a declined attempt", gift.reference)
        emails.send_gift("gift_bought", gift, gift.buyer_email, amount=format_money(entry.amount, entry.currency),
                         invoice_number=invoice.number)
        if gift.deliver_on <= local_today(now):
            _deliver(gift, now)
    return gift


def _issue_invoice(entry: LedgerEntry):
    from masthead.billing.invoices import issue_invoice

    return issue_invoice(entry)


# --- delivery ----------------------------------------------------------------------------

def link_for(gift: Gift) -> str:
    """The signed redemption link's path (the link is the gift: whoever holds it may redeem)."""
    return reverse("billing:redeem_gift", args=[signing.dumps(gift.reference, salt=SALT)])


def gift_from_token(token: str) -> Gift | None:
    try:
        reference = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Gift.objects.select_related("plan", "buyer", "redeemed_by").filter(reference=reference).first()


def _deliver(gift: Gift, now: dt.datetime) -> None:
    gift.state, gift.sent_at, gift.updated_at = Gift.State.SENT, now, now
    gift.save(update_fields=["state", "sent_at", "updated_at"])
    emails.send_gift("gift_received", gift, gift.recipient_email,
                     redeem_url=settings.MASTHEAD_PUBLIC_URL.rstrip("/") + link_for(gift))


def deliver_due(*, now: dt.datetime | None = None) -> int:
    """E-mail every paid gift whose delivery day has come; returns how many went out."""
    now = now or clock.now()
    sent = 0
    due = Gift.objects.filter(state=Gift.State.PAID, deliver_on__lte=local_today(now)).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            gift = Gift.objects.select_for_update(of=("self",)).select_related("plan", "buyer").get(pk=pk)
            if gift.state != Gift.State.PAID:
                continue  # refunded or sent meanwhile
            _deliver(gift, now)
            sent += 1
    return sent


# --- redemption --------------------------------------------------------------------------

def redeem(gift: Gift, user, *, now: dt.datetime | None = None) -> Gift:
    """Give the gift's months to this account. GiftRefused if it was redeemed or refunded."""
    now = now or clock.now()
    if not getattr(user, "is_authenticated", False):
        raise GiftRefused("Sign in or create an account to redeem your gift.")
    with transaction.atomic():
        # The claim is one conditional update: of two redemptions at once, one matches.
        claimed = Gift.objects.filter(pk=gift.pk, state__in=[Gift.State.PAID, Gift.State.SENT]).update(
            state=Gift.State.REDEEMED, redeemed_by=user, redeemed_at=now, updated_at=now)
        if claimed != 1:
            state = Gift.objects.filter(pk=gift.pk).values_list("state", flat=True).first()
            if state == Gift.State.REFUNDED:
                raise GiftRefused("This gift was cancelled and refunded.")
            if state in (Gift.State.PENDING, Gift.State.FAILED):
                raise GiftRefused("This gift has not been paid for.")
            raise GiftRefused("This gift has already been redeemed.")
        gift = Gift.objects.select_related("plan").get(pk=gift.pk)
        current = actions.current_subscription(user)
        renewing = current is not None and current.state in (State.ACTIVE.value, State.TRIALING.value)
        if renewing and actions.can_postpone(current):
            try:
                current, start, until = actions.postpone_renewal(current, gift.months)
            except GatewayError as exc:  # the provider refused: the claim above is rolled back too
                log.warning("Could not extend %s for gift %s: %s", current.reference, gift.reference, exc)
                raise GiftRefused("We could not add the gift to your subscription just now. "
                                  "Please try again in a few minutes.") from exc
            gift.extended = current
        else:
            if renewing:
                # The provider cannot move its next charge (Razorpay): its renewals stop at the
                # end of the paid period, so nobody pays for months a gift already paid for;
                # the continue offer before the gift ends asks the reader to subscribe again.
                try:
                    current = actions.cancel_subscription(current)
                except GatewayError as exc:
                    log.warning("Could not stop %s's renewals for gift %s: %s", current.reference, gift.reference, exc)
                    raise GiftRefused("We could not add the gift to your subscription just now. "
                                      "Please try again in a few minutes.") from exc
            held = [g for g in Gift.objects.filter(redeemed_by=user, state=Gift.State.REDEEMED,
                                                   access_until__gt=now).exclude(pk=gift.pk)
                    .values_list("access_until", flat=True)]
            if current is not None and current.access_until and current.grants_access(now):
                held.append(current.access_until)
            start = max([now, *held])
            until = add_months(start, gift.months)
        gift.access_from, gift.access_until = start, until
        gift.save(update_fields=["access_from", "access_until", "extended"])
    return gift


# --- refunds -----------------------------------------------------------------------------

def refund(gift: Gift) -> LedgerEntry:
    """Refund a gift before it is redeemed (staff): the money goes back and the link stops working."""
    now = clock.now()
    with transaction.atomic():
        gift = _locked(gift.reference)
        if gift.state == Gift.State.REDEEMED:
            raise GiftRefused("A redeemed gift cannot be refunded: the recipient is using it.")
        if gift.state not in (Gift.State.PAID, Gift.State.SENT):
            raise GiftRefused("Only a paid gift can be refunded.")
        charge = gift.ledger.filter(kind=LedgerEntry.Kind.CHARGE).order_by("pk").first()
        key = f"refund:{charge.idempotency_key}"
        result = get_gateway(gift.gateway).refund(charge.gateway_payment_ref, charge.amount, charge.currency, key)
        entry = _ledger(gift, LedgerEntry.Kind.REFUND, key=key, amount=result.amount,
                        payment_ref=charge.gateway_payment_ref, refund_ref=result.refund_ref,
                        reason="Gift refunded before redemption", now=now)
        _mark_refunded(gift, now)
    return entry


def _mark_refunded(gift: Gift, now: dt.datetime) -> None:
    gift.state, gift.refunded_at, gift.updated_at = Gift.State.REFUNDED, now, now
    gift.save(update_fields=["state", "refunded_at", "updated_at"])
    emails.send_gift("gift_refunded", gift, gift.buyer_email, amount=format_money(gift.amount, gift.currency))


# --- provider events ---------------------------------------------------------------------

def owns(event: GatewayEvent) -> bool:
    """Whether a provider's event is about a gift (webhooks send it here, not to subscriptions)."""
    if event.subscription_ref.startswith(PREFIX):
        return True
    if not event.subscription_ref and event.gateway_ref and Gift.objects.filter(gateway_ref=event.gateway_ref).exists():
        return True
    return (event.kind is EventKind.REFUNDED and bool(event.payment_ref)
            and LedgerEntry.objects.filter(gift__isnull=False, gateway_payment_ref=event.payment_ref).exists())


def apply_gateway_event(gateway_name: str, event: GatewayEvent) -> None:
    """Apply one verified provider event about a gift. Safe to repeat."""
    now = event.occurred_at or clock.now()
    if event.kind in (EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_FAILED):
        confirm_payment(gateway_name, Payment(
            subscription_ref=event.subscription_ref, succeeded=event.kind is EventKind.PAYMENT_SUCCEEDED,
            payment_ref=event.payment_ref or event.event_id, amount=event.amount, currency=event.currency,
            gateway_ref=event.gateway_ref, failure_reason=event.failure_reason, at_checkout=True,
        ), occurred_at=now)
    elif event.kind is EventKind.REFUNDED:
        # A refund made in the provider's dashboard: recorded, and an unredeemed gift is cancelled.
        with transaction.atomic():
            charge = LedgerEntry.objects.filter(gift__isnull=False, kind=LedgerEntry.Kind.CHARGE,
                                                gateway_payment_ref=event.payment_ref).first()
            if charge is None:
                raise Gift.DoesNotExist(f"No gift payment {event.payment_ref} to refund.")
            gift = _locked(Gift.objects.values_list("reference", flat=True).get(pk=charge.gift_id))
            if event.refund_ref and LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND,
                                                               gateway_refund_ref=event.refund_ref).exists():
                return  # Masthead made this refund itself (gifts.refund) and recorded it then
            _ledger(gift, LedgerEntry.Kind.REFUND, key=f"refund:{gateway_name}:{event.refund_ref or event.event_id}",
                    amount=event.amount, payment_ref=event.payment_ref, refund_ref=event.refund_ref, now=now)
            if gift.state in (Gift.State.PAID, Gift.State.SENT):
                _mark_refunded(gift, now)


# --- the end of a gift -------------------------------------------------------------------

def send_continue_offers(*, now: dt.datetime | None = None) -> int:
    """Offer to continue to every recipient whose gift ends within CONTINUE_DAYS (once each),
    unless they already hold a renewing subscription."""
    now = now or clock.now()
    sent = 0
    ending = Gift.objects.filter(state=Gift.State.REDEEMED, continue_sent_at__isnull=True,
                                 access_until__gt=now, access_until__lte=now + dt.timedelta(days=CONTINUE_DAYS))
    for pk in list(ending.values_list("pk", flat=True)):
        with transaction.atomic():
            gift = Gift.objects.select_for_update(of=("self",)).select_related("plan", "redeemed_by").get(pk=pk)
            if gift.continue_sent_at is not None:
                continue
            gift.continue_sent_at = now
            gift.save(update_fields=["continue_sent_at"])
            user = gift.redeemed_by
            current = actions.current_subscription(user) if user else None
            if user is None or not user.email or (current is not None and current.renews):
                continue  # nobody to write to, or they already pay: nothing to offer
            base = settings.MASTHEAD_PUBLIC_URL.rstrip("/")
            emails.send_gift("gift_continue", gift, user.email, ends_on=gift.access_until,
                             subscribe_url=f"{base}{reverse('billing:subscribe')}?plan={gift.plan.code}",
                             plans_url=base + reverse("billing:subscribe"))
            sent += 1
    return sent


def run_due(*, now: dt.datetime | None = None) -> str:
    """The worker's gift round: deliveries due today, then offers to continue."""
    now = now or clock.now()
    delivered = deliver_due(now=now)
    offered = send_continue_offers(now=now)
    return f"{delivered} gift(s) delivered, {offered} offer(s) to continue sent"
