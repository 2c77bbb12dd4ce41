"""Razorpay, through the official `razorpay` SDK: Plans and Subscriptions.

Razorpay renews subscriptions itself (UPI Autopay or a card/e-mandate set up when
the reader authenticates the subscription) and tells Masthead by webhook:
subscription.authenticated, .activated, .charged (with the payment), .pending (a
renewal failed and Razorpay retries), .halted (retries exhausted), .cancelled,
.completed; refund.processed. Webhooks are verified with X-Razorpay-Signature
(hex HMAC-SHA256 of the raw body with the webhook secret) and deduplicated by
x-razorpay-event-id. The reader's return from Checkout carries razorpay_payment_id,
razorpay_subscription_id and razorpay_signature (HMAC of "payment_id|subscription_id"
with the key secret). Both signatures go through base.verify_signature, which never
accepts an empty secret.

A gift (a one-time payment) is a Payment Link: its return carries the link's id, reference,
status and the payment id, signed as "link_id|reference_id|status|payment_id", and its
webhook is payment_link.paid. A retention offer cannot be put on a running Razorpay
subscription (offers attach when one is created), so Razorpay subscribers are not offered one. Network errors talking to Razorpay become GatewayError.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import hashlib
import json

import razorpay
import requests
from django.conf import settings

from masthead.core import clock

from masthead.billing.gateways.base import (
    CheckoutRequest,
    CheckoutStart,
    EventKind,
    GatewayError,
    GatewayEvent,
    InvalidSignature,
    Payment,
    Refund,
    RenewalCharge,
    verify_signature,
)

METHOD_LABELS = {"upi": "UPI Autopay", "card": "Card mandate", "emandate": "Bank e-mandate", "nach": "NACH mandate"}
ENDED = {"subscription.halted", "subscription.cancelled", "subscription.completed"}
AUTHORISED = {"subscription.authenticated", "subscription.activated"}


def _when(seconds: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc) if seconds else None


def _label(payment: dict | None, subscription: dict | None = None) -> str:
    method = (payment or {}).get("method") or (subscription or {}).get("payment_method") or ""
    label = METHOD_LABELS.get(method, method.upper())
    card = (payment or {}).get("card") or {}
    if method == "card" and card.get("last4"):
        label = f"{card.get('network', 'Card')} ending {card['last4']} (mandate)"
    if method == "upi" and (payment or {}).get("vpa"):
        label = f"UPI Autopay ({payment['vpa']})"
    return label


class RazorpayGateway:
    name = "razorpay"
    renews_itself = True
    one_time_payments = True  # gifts: Payment Links
    webhook_max_bytes = 64 * 1024  # one subscription, payment and refund entity: a few KB

    @classmethod
    def is_configured(cls) -> bool:
        return all((settings.MASTHEAD_RAZORPAY_KEY_ID, settings.MASTHEAD_RAZORPAY_KEY_SECRET,
                    settings.MASTHEAD_RAZORPAY_WEBHOOK_SECRET))

    def __init__(self, client: razorpay.Client | None = None) -> None:
        self.client = client or razorpay.Client(
            auth=(settings.MASTHEAD_RAZORPAY_KEY_ID, settings.MASTHEAD_RAZORPAY_KEY_SECRET),
            base_url=settings.MASTHEAD_RAZORPAY_API_BASE,
        )
        self.key_secret = settings.MASTHEAD_RAZORPAY_KEY_SECRET
        self.webhook_secret = settings.MASTHEAD_RAZORPAY_WEBHOOK_SECRET

    def _call(self, function, *args):
        try:
            return function(*args)
        except (razorpay.errors.BadRequestError, razorpay.errors.ServerError, razorpay.errors.GatewayError) as exc:
            raise GatewayError(f"Razorpay: {exc}") from exc
        except (requests.RequestException, ValueError) as exc:  # unreachable, timed out, or not JSON
            raise GatewayError("Razorpay could not be reached. Please try again in a few minutes.") from exc

    def _ensure_plan(self, request: CheckoutRequest) -> str:
        if request.gateway_plan_ref:
            return request.gateway_plan_ref
        months = request.term_months
        period, interval = ("yearly", months // 12) if months % 12 == 0 else ("monthly", months)
        plan = self._call(self.client.plan.create, {
            "period": period, "interval": interval,
            "item": {"name": request.plan_name, "amount": request.list_amount or request.amount, "currency": request.currency,
                     "description": f"{request.plan_name}, renews every {months} months"},
            "notes": {"masthead_plan": request.plan_code},
        })
        return plan["id"]

    def _offer_params(self, request: CheckoutRequest) -> dict:
        """An offer in Razorpay's terms: a discount is a Razorpay Offer (made in its dashboard;
        its id is kept on Masthead's offer), a trial is a later `start_at` (the mandate is
        authorised now), and a paid trial's price is an upfront add-on."""
        terms = request.offer
        if terms is None:
            return {}
        params: dict = {}
        if terms.kind != "none":
            offer_id = terms.gateway_ref("razorpay")
            if not offer_id:
                raise GatewayError(f"The offer {terms.code} is not set up on Razorpay yet: create it in the Razorpay "
                                   "dashboard and enter its offer id on the offer.")
            params["offer_id"] = offer_id
        if terms.has_trial:
            params["start_at"] = int(clock.now().timestamp()) + terms.trial_days * 86400
            if terms.trial_price:
                params["addons"] = [{"item": {"name": f"Trial, {terms.trial_days} days", "amount": terms.trial_price,
                                              "currency": request.currency}}]
        return params

    def _start_payment(self, request: CheckoutRequest) -> CheckoutStart:
        """A one-time payment (a gift): a Payment Link, Razorpay's hosted page for one payment."""
        link = self._call(self.client.payment_link.create, {
            "amount": request.amount, "currency": request.currency, "description": request.plan_name[:2048],
            "reference_id": request.subscription_ref, "customer": {"email": request.customer_email},
            "notify": {"sms": False, "email": False}, "reminder_enable": False,
            "notes": {"masthead_ref": request.subscription_ref},
            "callback_url": request.return_url, "callback_method": "get",
        })
        return CheckoutStart(redirect_url=link["short_url"], gateway_ref=link["id"])

    def _confirm_payment_link(self, params: dict) -> Payment:
        """The signed return from a Payment Link: HMAC of
        "payment_link_id|reference_id|status|payment_id" with the key secret."""
        names = ("razorpay_payment_link_id", "razorpay_payment_link_reference_id", "razorpay_payment_link_status",
                 "razorpay_payment_id")
        values = [str(params.get(name, "")) for name in names]
        try:
            if not all(values):
                raise InvalidSignature("The return names no payment.")
            verify_signature(self.key_secret, "|".join(values).encode(), str(params.get("razorpay_signature", "")))
        except InvalidSignature as exc:
            raise InvalidSignature("The Razorpay payment signature is not valid.") from exc
        link = self._call(self.client.payment_link.fetch, values[0])
        payment = self._call(self.client.payment.fetch, values[3])
        return self._link_payment(link, payment)

    @staticmethod
    def _link_payment(link: dict, payment: dict) -> Payment:
        paid = link.get("status") == "paid" and payment.get("status") == "captured"
        return Payment(
            subscription_ref=link.get("reference_id") or "", succeeded=paid, payment_ref=payment["id"],
            amount=payment["amount"], currency=payment["currency"], gateway_ref=link["id"],
            payment_method_label=_label(payment, {}), at_checkout=True,
            failure_reason="" if paid else payment.get("error_description") or "The payment was not completed.",
        )

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        if request.one_time:
            return self._start_payment(request)
        plan_id = self._ensure_plan(request)
        subscription = self._call(self.client.subscription.create, {
            "plan_id": plan_id,
            "total_count": max(1, 120 // request.term_months),  # ten years of renewals at most
            "quantity": 1,
            "customer_notify": 1,
            "notes": {"masthead_ref": request.subscription_ref, "callback_url": request.return_url,
                      **({"masthead_trial_days": str(request.offer.trial_days),
                          "masthead_trial_price": str(request.offer.trial_price)}
                         if request.offer and request.offer.has_trial else {})},
            **self._offer_params(request),
        })
        return CheckoutStart(redirect_url=subscription["short_url"], gateway_ref=subscription["id"],
                             gateway_plan_ref=plan_id)

    def confirm(self, params: dict) -> Payment:
        if "razorpay_payment_link_id" in params:
            return self._confirm_payment_link(params)
        payment_id = str(params.get("razorpay_payment_id", ""))
        subscription_id = str(params.get("razorpay_subscription_id", ""))
        try:
            if not (payment_id and subscription_id):
                raise InvalidSignature("The return names no payment.")
            verify_signature(self.key_secret, f"{payment_id}|{subscription_id}".encode(),
                             str(params.get("razorpay_signature", "")))
        except InvalidSignature as exc:
            raise InvalidSignature("The Razorpay payment signature is not valid.") from exc
        payment = self._call(self.client.payment.fetch, payment_id)
        subscription = self._call(self.client.subscription.fetch, subscription_id)
        if self._in_trial(subscription):
            return self._trial_payment(payment, subscription)
        return replace(self._payment(payment, subscription), at_checkout=True)

    @staticmethod
    def _in_trial(subscription: dict) -> bool:
        """Authorised, nothing charged yet, and made as a trial (its notes say so: an ordinary
        subscription's start_at can also lie a little after its creation)."""
        return subscription.get("status") == "authenticated" and bool(subscription.get("start_at")) \
            and bool((subscription.get("notes") or {}).get("masthead_trial_days")) and not subscription.get("paid_count")

    def _trial_payment(self, payment: dict | None, subscription: dict) -> Payment:
        """The mandate's authorisation that starts a trial: a free trial charges nothing (Razorpay
        refunds the authorisation amount itself), a paid one its upfront add-on."""
        payment = payment or {}
        addon = int((subscription.get("notes") or {}).get("masthead_trial_price") or 0)
        return Payment(
            subscription_ref=(subscription.get("notes") or {}).get("masthead_ref", ""), succeeded=True,
            payment_ref=payment.get("id", "") if addon else f"trial:{subscription['id']}", amount=addon,
            currency=payment.get("currency") or "INR", gateway_ref=subscription["id"],
            payment_method=payment.get("token_id") or "", payment_method_label=_label(payment, subscription),
            period_start=_when(subscription.get("created_at")), period_end=_when(subscription["start_at"]),
            at_checkout=True, trial=True,
        )

    def _payment(self, payment: dict, subscription: dict) -> Payment:
        succeeded = payment.get("status") in ("captured", "authorized")
        return Payment(
            subscription_ref=(subscription.get("notes") or {}).get("masthead_ref", ""),
            succeeded=succeeded, payment_ref=payment["id"], amount=payment["amount"], currency=payment["currency"],
            gateway_ref=subscription["id"], payment_method=payment.get("token_id") or "",
            payment_method_label=_label(payment, subscription),
            period_start=_when(subscription.get("current_start")), period_end=_when(subscription.get("current_end")),
            failure_reason="" if succeeded else payment.get("error_description") or "The payment failed.",
        )

    def charge_renewal(self, charge: RenewalCharge) -> Payment:
        raise GatewayError("Razorpay charges subscription renewals itself; reconcile them instead.")

    def reconcile(self, gateway_ref: str) -> list[GatewayEvent]:
        """Translate the subscription's current status into the event a webhook would bring."""
        subscription = self._call(self.client.subscription.fetch, gateway_ref)
        status = subscription["status"]
        event_type = {"halted": "subscription.halted", "cancelled": "subscription.cancelled",
                      "completed": "subscription.completed"}.get(status)
        if event_type is None:
            return []
        return [self._subscription_event(f"reconcile:{gateway_ref}:{status}", event_type, subscription, None,
                                         _when(subscription.get("ended_at")))]

    def cancel(self, gateway_ref: str, *, at_period_end: bool = True) -> None:
        self._call(self.client.subscription.cancel, gateway_ref, {"cancel_at_cycle_end": 1 if at_period_end else 0})

    def resume(self, gateway_ref: str) -> None:
        # A Razorpay subscription cancelled at cycle end cannot be un-cancelled through the
        # API: the reader subscribes again instead.
        raise GatewayError("Razorpay cannot resume a cancelled subscription; please subscribe again.")

    def refund(self, payment_ref: str, amount: int, currency: str, idempotency_key: str) -> Refund:
        receipt = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
        refund = self._call(self.client.payment.refund, payment_ref,
                            {"amount": amount, "receipt": receipt, "notes": {"masthead_key": idempotency_key[:250]}})
        return Refund(refund_ref=refund["id"], payment_ref=refund["payment_id"], amount=refund["amount"],
                      currency=refund["currency"])

    # --- webhooks -------------------------------------------------------------------------
    def verify_and_parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[GatewayEvent]:
        lower = {k.lower(): v for k, v in headers.items()}
        try:
            verify_signature(self.webhook_secret, body, lower.get("x-razorpay-signature", ""))
        except InvalidSignature as exc:
            raise InvalidSignature("The X-Razorpay-Signature is missing or does not match the body.") from exc
        event = json.loads(body)
        event_id = lower.get("x-razorpay-event-id") or "body:" + hashlib.sha256(body).hexdigest()
        kind = event.get("event", "")
        payload = event.get("payload", {})
        subscription = (payload.get("subscription") or {}).get("entity")
        payment = (payload.get("payment") or {}).get("entity")
        occurred = _when(event.get("created_at"))
        if kind == "subscription.charged" and subscription and payment:
            p = self._payment(payment, subscription)
            return [GatewayEvent(
                event_id=event_id, kind=EventKind.PAYMENT_SUCCEEDED, raw_type=kind,
                subscription_ref=p.subscription_ref, gateway_ref=p.gateway_ref, payment_ref=p.payment_ref,
                amount=p.amount, currency=p.currency, payment_method=p.payment_method,
                payment_method_label=p.payment_method_label, period_start=p.period_start, period_end=p.period_end,
                occurred_at=occurred,
            )]
        if kind == "subscription.pending" and subscription:
            return [self._subscription_event(event_id, kind, subscription, payment, occurred)]
        if kind == "subscription.authenticated" and subscription and self._in_trial(subscription):
            p = self._trial_payment(payment, subscription)
            return [GatewayEvent(
                event_id=event_id, kind=EventKind.PAYMENT_SUCCEEDED, raw_type=kind, trial=True, at_checkout=True,
                subscription_ref=p.subscription_ref, gateway_ref=p.gateway_ref, payment_ref=p.payment_ref,
                amount=p.amount, currency=p.currency, payment_method=p.payment_method,
                payment_method_label=_label(payment, subscription), period_start=p.period_start,
                period_end=p.period_end, occurred_at=occurred,
            )]
        if (kind in ENDED or kind in AUTHORISED) and subscription:
            return [self._subscription_event(event_id, kind, subscription, payment, occurred)]
        link = (payload.get("payment_link") or {}).get("entity")
        if kind == "payment_link.paid" and link and payment:
            p = self._link_payment(link, payment)
            return [GatewayEvent(event_id=event_id, kind=EventKind.PAYMENT_SUCCEEDED, raw_type=kind, at_checkout=True,
                                 subscription_ref=p.subscription_ref, gateway_ref=p.gateway_ref,
                                 payment_ref=p.payment_ref, amount=p.amount, currency=p.currency,
                                 payment_method_label=p.payment_method_label, occurred_at=occurred)]
        if kind == "refund.processed":
            refund = payload["refund"]["entity"]
            notes = (payment or {}).get("notes") or {}
            return [GatewayEvent(
                event_id=event_id, kind=EventKind.REFUNDED, raw_type=kind, payment_ref=refund["payment_id"],
                refund_ref=refund["id"], amount=refund["amount"], currency=refund["currency"], occurred_at=occurred,
                subscription_ref=notes.get("masthead_ref", "") if isinstance(notes, dict) else "",
                gateway_ref=(payment or {}).get("subscription_id", "") or "",
            )]
        return []  # an event Masthead does not act on (kept in the inbox all the same)

    def _subscription_event(self, event_id, kind, subscription, payment, occurred) -> GatewayEvent:
        ref = (subscription.get("notes") or {}).get("masthead_ref", "")
        common = dict(event_id=event_id, raw_type=kind, subscription_ref=ref, gateway_ref=subscription["id"],
                      occurred_at=_when(subscription.get("ended_at")) if kind in ENDED else occurred)
        if kind == "subscription.pending":
            return GatewayEvent(kind=EventKind.PAYMENT_FAILED, payment_ref=(payment or {}).get("id") or event_id,
                                amount=(payment or {}).get("amount", 0), currency=(payment or {}).get("currency", ""),
                                for_period_end=_when(subscription.get("current_end")),
                                failure_reason=(payment or {}).get("error_description") or "Razorpay could not renew",
                                **common)
        if kind in ENDED:
            if common["occurred_at"] is None:
                common["occurred_at"] = occurred
            return GatewayEvent(kind=EventKind.SUBSCRIPTION_ENDED, **common)
        return GatewayEvent(kind=EventKind.SUBSCRIPTION_AUTHORISED, payment_method=subscription.get("payment_method") or "",
                            payment_method_label=_label(payment, subscription), **common)
