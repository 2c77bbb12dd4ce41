"""Every change to a subscription, in one place.

Views, webhooks, the admin and commands all call these functions. Each runs in one
transaction with the subscription's row locked (select_for_update), so a webhook and
a reader's click arriving together are applied one after the other and neither is
lost; the version column is bumped on every save so tests and staff can see it.
E-mails go out on commit. Calls to the gateway that stop or restart renewals happen
inside the transaction, so a refusal from the provider leaves nothing half-done.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from masthead.billing import emails, redemptions
from masthead.billing.discounts import first_charge, terms_of
from masthead.billing.gateways.base import (
    CheckoutRequest,
    CheckoutStart,
    EventKind,
    Gateway,
    GatewayEvent,
    Payment,
    RenewalCharge,
    get_gateway,
)
from masthead.billing.gst import BuyerTaxDetails
from masthead.billing.models import LedgerEntry, Offer, Plan, Subscription
from masthead.billing.periods import add_months
from masthead.billing.states import Effect, Event, Facts, IllegalTransition, Rules, Snapshot, State, transition
from masthead.core import clock, metrics
from masthead.core.db import is_unique_violation
from masthead.core.money import format_money

log = logging.getLogger(__name__)


class BillingError(Exception):
    """Something the reader or staff member should be told, in words."""


def rules() -> Rules:
    return Rules(
        grace=dt.timedelta(days=settings.MASTHEAD_BILLING_GRACE_DAYS),
        retry_days=tuple(settings.MASTHEAD_BILLING_RETRY_DAYS),
    )


# --- snapshot <-> row ----------------------------------------------------------------

def snapshot_of(sub: Subscription) -> Snapshot:
    return Snapshot(
        state=State(sub.state),
        plan=sub.plan.code,
        next_plan=sub.next_plan.code if sub.next_plan_id else None,
        period_start=sub.current_period_start,
        period_end=sub.current_period_end,
        access_until=sub.access_until,
        grace_until=sub.grace_until,
        failed_attempts=sub.failed_attempts,
        next_retry_at=sub.next_retry_at,
        cancelled_at=sub.cancelled_at,
        ended_at=sub.ended_at,
    )


_SNAPSHOT_FIELDS = {
    "state": "state", "period_start": "current_period_start", "period_end": "current_period_end",
    "access_until": "access_until", "grace_until": "grace_until", "failed_attempts": "failed_attempts",
    "next_retry_at": "next_retry_at", "cancelled_at": "cancelled_at", "ended_at": "ended_at",
}


def _plan(code: str | None) -> Plan | None:
    return Plan.objects.get(code=code) if code else None


def _store(sub: Subscription, snap: Snapshot, extra_fields: tuple[str, ...] = ()) -> None:
    for attr, column in _SNAPSHOT_FIELDS.items():
        value = getattr(snap, attr)
        setattr(sub, column, value.value if isinstance(value, State) else value)
    if sub.plan.code != snap.plan:
        sub.plan = _plan(snap.plan)
    current_next = sub.next_plan.code if sub.next_plan_id else None
    if current_next != snap.next_plan:
        sub.next_plan = _plan(snap.next_plan)
    sub.version += 1
    sub.updated_at = clock.now()
    sub.save(update_fields=[*_SNAPSHOT_FIELDS.values(), "plan", "next_plan", "version", "updated_at", *extra_fields])


def _locked(**lookup) -> Subscription:
    return (Subscription.objects.select_for_update(of=("self",))
            .select_related("plan", "next_plan", "user", "offer").get(**lookup))


def _apply(sub: Subscription, event: Event, facts: Facts, *, gateway: Gateway | None = None,
           from_gateway: bool = False, extra_fields: tuple[str, ...] = (), mail: dict | None = None):
    """Run one transition on a locked row, save it and start its effects."""
    outcome = transition(snapshot_of(sub), event, facts)
    if outcome.stale:
        if extra_fields:
            sub.save(update_fields=list(extra_fields))
        return outcome
    for effect in outcome.effects:
        if effect in (Effect.CANCEL_AT_GATEWAY, Effect.RESUME_AT_GATEWAY, Effect.END_AT_GATEWAY):
            if from_gateway or not sub.gateway_ref:
                continue  # the provider told us; it already knows
            provider = gateway or get_gateway(sub.gateway)
            if effect is Effect.RESUME_AT_GATEWAY:
                provider.resume(sub.gateway_ref)
            else:
                provider.cancel(sub.gateway_ref, at_period_end=effect is Effect.CANCEL_AT_GATEWAY)
    _store(sub, outcome.snapshot, extra_fields)
    for effect in outcome.effects:
        kind = effect.value.removeprefix("notify_")
        if effect.value.startswith("notify_"):
            emails.send(kind, sub, **(mail or {}), next_retry_at=sub.next_retry_at, grace_until=sub.grace_until)
    return outcome


def _ledger(sub: Subscription, kind: str, *, key: str, amount: int, currency: str, plan: Plan,
            payment_ref: str = "", refund_ref: str = "", period: tuple | None = None, reason: str = "",
            now: dt.datetime | None = None, list_price: int | None = None, discount: int = 0,
            offer_code: str = "") -> LedgerEntry | None:
    """Append to the ledger once per idempotency key; None when the key is already there."""
    if LedgerEntry.objects.filter(idempotency_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                subscription=sub, kind=kind, amount=amount, currency=currency, gateway=sub.gateway,
                gateway_payment_ref=payment_ref, gateway_refund_ref=refund_ref, idempotency_key=key, plan=plan,
                period_start=period[0] if period else None, period_end=period[1] if period else None,
                reason=reason[:300], created_at=now or clock.now(),
                list_price=list_price, discount=discount, offer_code=offer_code,
            )
    except IntegrityError as exc:
        if is_unique_violation(exc):
            return None
        raise


# --- checkout ------------------------------------------------------------------------

def start_checkout(user, plan: Plan, *, return_url: str, cancel_url: str, return_to: str = "",
                   gateway: Gateway | None = None, buyer: BuyerTaxDetails | None = None,
                   offer: Offer | None = None) -> tuple[Subscription, CheckoutStart]:
    """Create a pending subscription and the gateway's checkout for it. `buyer` carries the
    GSTIN and state the reader gave for their invoices (validated by BuyerTaxDetails);
    `offer` is an offer code's offer, redeemed here under its limits (redemptions)."""
    if not plan.is_active:
        raise BillingError("This plan is no longer on sale.")
    if current_subscription(user) is not None:
        raise BillingError("You already have a subscription. Manage it from your account.")
    gateway = gateway or get_gateway()
    now = clock.now()
    terms = terms_of(offer)
    with transaction.atomic():
        sub = Subscription.objects.create(
            user=user, plan=plan, gateway=gateway.name, state=State.PENDING.value,
            return_to=return_to[:500], created_at=now, updated_at=now,
            buyer_gstin=buyer.gstin if buyer else "", buyer_state=buyer.state if buyer else "", offer=offer,
        )
        if offer is not None:
            try:
                redemptions.check(offer, user, plan, now=now)
                redemptions.redeem(offer, user, sub)
            except redemptions.OfferRefused as exc:
                raise BillingError(str(exc)) from exc
        start = gateway.start_checkout(
            CheckoutRequest(
                subscription_ref=sub.reference, plan_code=plan.code, plan_name=plan.name,
                amount=first_charge(plan.price, terms), list_amount=plan.price,
                currency=plan.currency, term_months=plan.term_months, customer_email=user.email or "",
                return_url=return_url, cancel_url=cancel_url,
                gateway_plan_ref=plan.gateway_refs.get(gateway.name, ""),
                trial_days=terms.trial_days if terms else 0, offer=terms,
            )
        )
        sub.gateway_ref = start.gateway_ref
        sub.save(update_fields=["gateway_ref"])
        if start.gateway_plan_ref and plan.gateway_refs.get(gateway.name) != start.gateway_plan_ref:
            plan.gateway_refs = {**plan.gateway_refs, gateway.name: start.gateway_plan_ref}
            plan.save(update_fields=["gateway_refs"])
        transaction.on_commit(lambda: metrics.checkout_started(gateway.name, plan.code))
    return sub, start


def confirm_payment(gateway_name: str, payment: Payment, *, for_period_end: dt.datetime | None = None,
                    occurred_at: dt.datetime | None = None) -> Subscription:
    """Apply a payment the gateway confirmed (signed return or webhook). Idempotent per payment.

    A payment made on a checkout page counts only while that checkout is pending: a
    declined attempt there is the checkout's business and never a failed renewal, so it
    cannot put a paying subscriber into arrears.
    """
    now = occurred_at or clock.now()
    with transaction.atomic():
        sub = _find_locked(payment.subscription_ref, payment.gateway_ref)
        if payment.at_checkout and not payment.succeeded and sub.state != State.PENDING.value:
            log.warning("Ignored a declined checkout payment %s for %s subscription %s",
                        payment.payment_ref, sub.state, sub.reference)
            return sub
        plan = sub.renewal_plan if sub.state != State.PENDING else sub.plan
        if payment.succeeded and payment.trial and not payment.amount:
            # A free trial: the card or mandate is kept, nothing is charged, no invoice.
            start = payment.period_start or now
            end = payment.period_end or start + dt.timedelta(days=sub.offer.trial_days if sub.offer else 0)
            _apply(sub, Event.TRIAL_STARTED, Facts(now=now, period_start=start, period_end=end, plan=plan.code,
                                                   rules=rules()),
                   from_gateway=True, extra_fields=_remember_gateway(sub, payment),
                   mail={"trial_ends": end})
            return sub
        if payment.succeeded:
            start = payment.period_start or sub.current_period_end or now
            end = payment.period_end or add_months(start, plan.term_months)
            discount = 0 if payment.trial else max(0, plan.price - payment.amount) if sub.offer_id else 0
            entry = _ledger(sub, LedgerEntry.Kind.CHARGE, key=f"payment:{gateway_name}:{payment.payment_ref}",
                            amount=payment.amount, currency=payment.currency, plan=plan,
                            payment_ref=payment.payment_ref, period=(start, end), now=now,
                            list_price=None if payment.trial else plan.price, discount=discount,
                            offer_code=sub.offer.code if sub.offer_id else "",
                            reason=f"Trial to {end.date().isoformat()}" if payment.trial else "")
            if entry is None:
                return sub  # this payment was already applied (the webhook and the return both bring it)
            extra = _remember_gateway(sub, payment)
            if discount:
                sub.discounted_charges += 1
                extra = (*extra, "discounted_charges")
            invoice = _issue_invoice(entry)
            _apply(sub, Event.PAYMENT_SUCCEEDED,
                   Facts(now=now, period_start=start, period_end=end, plan=plan.code, rules=rules()),
                   from_gateway=True, extra_fields=extra,
                   mail={"amount": format_money(entry.amount, entry.currency),
                         "invoice_number": invoice.number if invoice else ""})
            transaction.on_commit(lambda: metrics.payment(gateway_name, "confirmed", True, sub.reference))
        else:
            key = f"failure:{gateway_name}:{payment.payment_ref}"
            entry = _ledger(sub, LedgerEntry.Kind.FAILURE, key=key, amount=payment.amount or plan.price,
                            currency=payment.currency or plan.currency,
                            plan=plan, payment_ref=payment.payment_ref, reason=payment.failure_reason, now=now)
            if entry is None:
                return sub
            _apply(sub, Event.PAYMENT_FAILED,
                   Facts(now=now, for_period_end=for_period_end or sub.current_period_end or now, rules=rules()),
                   from_gateway=True, mail={"reason": payment.failure_reason})
            transaction.on_commit(lambda: metrics.payment(gateway_name, "confirmed", False, sub.reference))
    return sub


def _remember_gateway(sub: Subscription, payment: Payment) -> tuple[str, ...]:
    changed = []
    if payment.payment_method and payment.payment_method != sub.payment_method:
        sub.payment_method = payment.payment_method
        changed.append("payment_method")
    if payment.payment_method_label and payment.payment_method_label != sub.payment_method_label:
        sub.payment_method_label = payment.payment_method_label
        changed.append("payment_method_label")
    if payment.gateway_ref and payment.gateway_ref != sub.gateway_ref:
        sub.gateway_ref = payment.gateway_ref
        changed.append("gateway_ref")
    return tuple(changed)


def _issue_invoice(entry: LedgerEntry):
    from masthead.billing.invoices import issue_invoice

    return issue_invoice(entry)


def _find_locked(reference: str, gateway_ref: str = "") -> Subscription:
    if reference:
        return _locked(reference=reference)
    if gateway_ref:
        return _locked(gateway_ref=gateway_ref)
    raise Subscription.DoesNotExist("The event names no subscription.")


# --- what the reader does ----------------------------------------------------------------

def current_subscription(user) -> Subscription | None:
    """The reader's subscription that still matters (renewing, or paid through a future date)."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = clock.now()
    for sub in user.subscriptions.select_related("plan", "next_plan").exclude(state=State.PENDING.value):
        if sub.renews or sub.grants_access(now):
            return sub
    return None


def cancel_subscription(sub: Subscription) -> Subscription:
    """Stop renewals; access continues until the paid period ends."""
    with transaction.atomic():
        sub = _locked(pk=sub.pk)
        _guard(sub, Event.CANCEL)
        _apply(sub, Event.CANCEL, Facts(now=clock.now(), rules=rules()))
    return sub


def takes_retention_offers(sub: Subscription) -> bool:
    """Masthead prices the renewals it charges itself; a provider that renews on its side must
    be told (Stripe: a coupon on the subscription). Razorpay cannot discount a running
    subscription (its offers attach only when one is created), so it is never offered one."""
    gateway_class = import_string(settings.MASTHEAD_BILLING_GATEWAYS[sub.gateway])
    if not getattr(gateway_class, "renews_itself", False):
        return True
    return hasattr(gateway_class, "discount_subscription") and bool(sub.gateway_ref)


def retention_offer_for(sub: Subscription):
    """The retention offer the cancel page shows this subscriber, once: a running one for their
    plan, on a subscription whose renewals the offer can discount (takes_retention_offers),
    never offered before."""
    from masthead.billing.offer import running_offers

    if sub.retention_offered_at is not None or sub.state not in (State.ACTIVE.value, State.TRIALING.value):
        return None
    if not takes_retention_offers(sub):
        return None
    for offer in running_offers("retention"):
        if redemptions.applies_to(offer, sub.renewal_plan) and not redemptions.used_by(offer, sub.user):
            return offer
    return None


def mark_retention_offered(sub: Subscription) -> None:
    """The cancel page showed the offer: it is not shown again."""
    Subscription.objects.filter(pk=sub.pk, retention_offered_at__isnull=True).update(retention_offered_at=clock.now())


def accept_retention_offer(sub: Subscription, offer: Offer) -> Subscription:
    """The subscriber stays: the offer's discount applies from the next renewal. On a provider
    that renews itself the discount is put on the provider's subscription first (inside the
    transaction, so a refusal there leaves nothing changed here)."""
    with transaction.atomic():
        sub = _locked(pk=sub.pk)
        if offer.purpose != Offer.Purpose.RETENTION or not takes_retention_offers(sub) or sub.offer_id == offer.pk \
                or sub.state not in (State.ACTIVE.value, State.TRIALING.value):
            raise BillingError("That offer is not available for your subscription.")
        try:
            redemptions.check(offer, sub.user, sub.renewal_plan)
            redemptions.redeem(offer, sub.user, sub)
        except redemptions.OfferRefused as exc:
            raise BillingError(str(exc)) from exc
        gateway = get_gateway(sub.gateway)
        if gateway.renews_itself:
            plan = sub.renewal_plan
            gateway.discount_subscription(sub.gateway_ref, terms_of(offer), term_months=plan.term_months,
                                          currency=plan.currency)
        sub.offer, sub.discounted_charges = offer, 0
        sub.retention_offered_at = sub.retention_offered_at or clock.now()
        sub.version += 1
        sub.save(update_fields=["offer", "discounted_charges", "retention_offered_at", "version"])
    return sub


def postpone_renewal(sub: Subscription, months: int) -> tuple[Subscription, dt.datetime, dt.datetime]:
    """A redeemed gift pays for the months after the paid period: the next renewal (and the
    access it keeps) moves back by `months`. Returns the subscription and the months the gift
    covers (old period end, new period end). The pre-debit notice is keyed by the period end,
    so one goes out before the new date. A provider that renews itself is told first, inside
    the transaction (Stripe: postpone_renewal); one that cannot be (can_postpone) is refused."""
    with transaction.atomic():
        sub = _locked(pk=sub.pk)
        if sub.state not in (State.ACTIVE.value, State.TRIALING.value) or sub.current_period_end is None \
                or not can_postpone(sub):
            raise BillingError("Only a renewing subscription can be extended by a gift.")
        start = sub.current_period_end
        end = add_months(start, months)
        gateway = get_gateway(sub.gateway)
        if gateway.renews_itself:
            gateway.postpone_renewal(sub.gateway_ref, end)
        # Access runs past the period end by the same margin as before (the renewal's slack).
        margin = max((sub.access_until or start) - start, dt.timedelta(0))
        sub.current_period_end = end
        sub.access_until = end + margin
        sub.version += 1
        sub.updated_at = clock.now()
        sub.save(update_fields=["current_period_end", "access_until", "version", "updated_at"])
    return sub, start, end


def can_postpone(sub: Subscription) -> bool:
    """Whether a gift can push this subscription's next renewal back: always when Masthead
    charges renewals itself; on a provider only if its adapter can move the next charge
    (Stripe can; Razorpay's API cannot)."""
    gateway_class = import_string(settings.MASTHEAD_BILLING_GATEWAYS[sub.gateway])
    if not getattr(gateway_class, "renews_itself", False):
        return True
    return hasattr(gateway_class, "postpone_renewal") and bool(sub.gateway_ref)


def resume_subscription(sub: Subscription) -> Subscription:
    """Undo a cancel before the paid period ends."""
    with transaction.atomic():
        sub = _locked(pk=sub.pk)
        _guard(sub, Event.RESUME)
        _apply(sub, Event.RESUME, Facts(now=clock.now(), rules=rules()))
    return sub


def change_plan(sub: Subscription, plan: Plan) -> Subscription:
    """Move to another plan from the next renewal; nothing changes before then."""
    if not plan.is_active:
        raise BillingError("That plan is no longer on sale.")
    with transaction.atomic():
        sub = _locked(pk=sub.pk)
        _guard(sub, Event.CHANGE_PLAN)
        if not can_change_plan(sub):
            # The provider would go on charging the old plan's price; refuse rather than
            # let Masthead and the provider disagree about what the reader pays.
            raise BillingError("Plan changes are not available for this payment method yet. "
                               "Cancel and choose the new plan when this one ends.")
        _apply(sub, Event.CHANGE_PLAN, Facts(now=clock.now(), plan=plan.code, rules=rules()))
    return sub


def can_change_plan(sub: Subscription) -> bool:
    """Masthead charges the new plan at renewal itself; providers that renew on their side
    would need the change pushed to them, which is not built yet."""
    from masthead.billing.states import allowed

    gateway_class = import_string(settings.MASTHEAD_BILLING_GATEWAYS[sub.gateway])
    return allowed(State(sub.state), Event.CHANGE_PLAN) and not getattr(gateway_class, "renews_itself", False)


def _guard(sub: Subscription, event: Event) -> None:
    from masthead.billing.states import allowed

    if not allowed(State(sub.state), event):
        raise BillingError(str(IllegalTransition(State(sub.state), event)))


# --- what staff do ------------------------------------------------------------------------

def refund(entry: LedgerEntry, *, amount: int | None = None, end_access: bool) -> LedgerEntry:
    """Refund a charge in full or in part; staff choose whether access ends."""
    if entry.kind != LedgerEntry.Kind.CHARGE:
        raise BillingError("Only a charge can be refunded.")
    with transaction.atomic():
        sub = _locked(pk=entry.subscription_id)
        refunded = sum(e.amount for e in LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.REFUND, gateway_payment_ref=entry.gateway_payment_ref, subscription=sub))
        amount = entry.amount - refunded if amount is None else amount
        if amount <= 0 or amount > entry.amount - refunded:
            raise BillingError(f"A refund must be between ₹0.01 and {format_money(entry.amount - refunded, entry.currency)}.")
        key = f"refund:{entry.idempotency_key}:{refunded}:{amount}"
        result = get_gateway(sub.gateway).refund(entry.gateway_payment_ref, amount, entry.currency, key)
        refund_entry = _ledger(sub, LedgerEntry.Kind.REFUND, key=key, amount=result.amount, currency=result.currency,
                               plan=entry.plan, payment_ref=entry.gateway_payment_ref, refund_ref=result.refund_ref)
        _apply(sub, Event.REFUND,
               Facts(now=clock.now(), end_access=end_access, full=amount == entry.amount, rules=rules()),
               mail={"amount": format_money(amount, entry.currency), "access_ended": end_access})
    return refund_entry


# --- gateway events (webhooks) -------------------------------------------------------------

def apply_gateway_event(gateway_name: str, event: GatewayEvent) -> None:
    """Apply one verified provider event. Safe to repeat and to receive in any order."""
    now = event.occurred_at or clock.now()
    if event.kind in (EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_FAILED):
        confirm_payment(
            gateway_name,
            Payment(
                subscription_ref=event.subscription_ref, succeeded=event.kind is EventKind.PAYMENT_SUCCEEDED,
                payment_ref=event.payment_ref or event.event_id, amount=event.amount, currency=event.currency,
                gateway_ref=event.gateway_ref, payment_method=event.payment_method,
                payment_method_label=event.payment_method_label, period_start=event.period_start,
                period_end=event.period_end, failure_reason=event.failure_reason,
                at_checkout=event.at_checkout, trial=event.trial,
            ),
            for_period_end=event.for_period_end,
            occurred_at=now,
        )
        return
    with transaction.atomic():
        if event.kind is EventKind.REFUNDED and not (event.subscription_ref or event.gateway_ref):
            charge = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CHARGE, gateway_payment_ref=event.payment_ref).first()
            if charge is None:
                raise Subscription.DoesNotExist(f"No charge {event.payment_ref} to refund.")
            sub = _locked(pk=charge.subscription_id)
        else:
            sub = _find_locked(event.subscription_ref, event.gateway_ref)
        if event.kind is EventKind.SUBSCRIPTION_AUTHORISED:
            extra = _remember_gateway(sub, Payment(sub.reference, True, "", 0, "", gateway_ref=event.gateway_ref,
                                                   payment_method=event.payment_method,
                                                   payment_method_label=event.payment_method_label))
            if extra:
                sub.save(update_fields=list(extra))
        elif event.kind is EventKind.SUBSCRIPTION_ENDED:
            _apply(sub, Event.GATEWAY_ENDED, Facts(now=now, rules=rules()), from_gateway=True)
        elif event.kind is EventKind.CANCEL_SCHEDULED:
            if sub.state == State.ACTIVE.value:
                _apply(sub, Event.CANCEL, Facts(now=now, rules=rules()), from_gateway=True)
        elif event.kind is EventKind.REFUNDED:
            charge = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CHARGE,
                                                gateway_payment_ref=event.payment_ref).first()
            if event.refund_ref and LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND,
                                                               gateway_refund_ref=event.refund_ref).exists():
                return  # a refund staff made through actions.refund, recorded then under its own key
            _ledger(sub, LedgerEntry.Kind.REFUND, key=f"refund:{gateway_name}:{event.refund_ref or event.event_id}",
                    amount=event.amount, currency=event.currency, plan=charge.plan if charge else sub.plan,
                    payment_ref=event.payment_ref, refund_ref=event.refund_ref, now=now)


# --- renewals -------------------------------------------------------------------------------

def renewal_key(sub: Subscription) -> str:
    """One key per (subscription, period, attempt): a re-run of a crashed attempt reuses it."""
    period = sub.current_period_end.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"renewal:{sub.reference}:{period}:{sub.failed_attempts + 1}"


def send_renewal_notice(sub_id: int, *, now: dt.datetime | None = None) -> bool:
    """The pre-debit notice for the coming renewal, once per period. True if sent."""
    now = now or clock.now()
    with transaction.atomic():
        sub = _locked(pk=sub_id)
        if sub.state not in (State.ACTIVE.value, State.TRIALING.value) \
                or sub.notice_sent_for == sub.current_period_end:
            return False
        sub.notice_sent_for, sub.notice_sent_at = sub.current_period_end, now
        sub.save(update_fields=["notice_sent_for", "notice_sent_at"])
        emails.send("notice", sub)
    return True


def is_due(sub: Subscription, now: dt.datetime) -> bool:
    if sub.state in (State.ACTIVE.value, State.TRIALING.value):
        return (
            sub.current_period_end is not None and sub.current_period_end <= now
            and sub.notice_sent_for == sub.current_period_end
            and sub.notice_sent_at is not None and sub.notice_sent_at <= now - dt.timedelta(hours=24)
        )
    if sub.state == State.PAST_DUE.value:
        return sub.next_retry_at is not None and sub.next_retry_at <= now
    return False


def renew_subscription(sub_id: int, *, now: dt.datetime | None = None, gateway: Gateway | None = None) -> str:
    """Charge one due renewal through the gateway. Returns 'renewed', 'failed' or 'skipped'.

    The charge carries renewal_key(): if the process dies after the gateway took the
    money but before this transaction commits, the next run sends the same key and the
    gateway answers with the first charge instead of making a second one.
    """
    now = now or clock.now()
    with transaction.atomic():
        sub = _locked(pk=sub_id)
        gateway = gateway or get_gateway(sub.gateway)
        if gateway.renews_itself or not is_due(sub, now):
            return "skipped"
        plan = sub.renewal_plan
        if not plan.is_active:
            _apply(sub, Event.GATEWAY_ENDED, Facts(now=now, rules=rules()))
            return "failed"
        key = renewal_key(sub)
        amount, discounted = redemptions.renewal_amount(sub, plan)
        payment = gateway.charge_renewal(
            RenewalCharge(subscription_ref=sub.reference, payment_method=sub.payment_method,
                          amount=amount, currency=plan.currency, idempotency_key=key)
        )
        if payment.succeeded:
            start = sub.current_period_end
            end = add_months(start, plan.term_months)
            entry = _ledger(sub, LedgerEntry.Kind.CHARGE, key=key, amount=payment.amount, currency=payment.currency,
                            plan=plan, payment_ref=payment.payment_ref, period=(start, end), now=now,
                            list_price=plan.price, discount=plan.price - payment.amount if discounted else 0,
                            offer_code=sub.offer.code if discounted else "")
            invoice = _issue_invoice(entry) if entry else None
            extra = ()
            if discounted and entry is not None:
                sub.discounted_charges += 1
                extra = ("discounted_charges",)
            _apply(sub, Event.PAYMENT_SUCCEEDED,
                   Facts(now=now, period_start=start, period_end=end, plan=plan.code, rules=rules()),
                   gateway=gateway, extra_fields=extra,
                   mail={"amount": format_money(payment.amount, payment.currency),
                         "invoice_number": invoice.number if invoice else ""})
            transaction.on_commit(lambda: metrics.payment(gateway.name, "renewal", True, sub.reference))
            return "renewed"
        _ledger(sub, LedgerEntry.Kind.FAILURE, key=key, amount=amount, currency=plan.currency, plan=plan,
                payment_ref=payment.payment_ref, reason=payment.failure_reason, now=now)
        _apply(sub, Event.PAYMENT_FAILED, Facts(now=now, for_period_end=sub.current_period_end, rules=rules()),
               gateway=gateway, mail={"reason": payment.failure_reason})
        transaction.on_commit(lambda: metrics.payment(gateway.name, "renewal", False, sub.reference))
        return "failed"


def end_finished(sub_id: int, *, now: dt.datetime | None = None) -> bool:
    """End a cancelled subscription whose period is over, or an overdue one past its last chance."""
    now = now or clock.now()
    with transaction.atomic():
        sub = _locked(pk=sub_id)
        over = (
            (sub.state == State.CANCELLED.value and sub.current_period_end and sub.current_period_end <= now)
            or (sub.state == State.PAST_DUE.value and sub.next_retry_at is None
                and sub.grace_until and sub.grace_until <= now)
        )
        if not over:
            return False
        _apply(sub, Event.PERIOD_ENDED, Facts(now=now, rules=rules()))
    return True


def reconcile_subscription(sub_id: int) -> int:
    """For gateways that renew on their side: apply what the provider says happened."""
    sub = Subscription.objects.get(pk=sub_id)
    gateway = get_gateway(sub.gateway)
    events = gateway.reconcile(sub.gateway_ref) if sub.gateway_ref else []
    for event in events:
        apply_gateway_event(sub.gateway, replace(event, subscription_ref=event.subscription_ref or sub.reference))
    return len(events)
