"""Stripe, through the official `stripe` SDK: Checkout Sessions in subscription mode.

Stripe renews the subscription itself and reports by webhook: checkout.session.completed,
invoice.paid (each period's payment, with the period on its line), invoice.payment_failed,
customer.subscription.updated (cancel_at_period_end), customer.subscription.deleted and
charge.refunded. Webhooks are verified by the Stripe-Signature header's HMAC and its
timestamp tolerance. The reader's return
carries only the session id; Masthead fetches the session from Stripe's API with its
secret key, so the browser's word is never taken. The Stripe-Signature check is
base.verify_timestamped_signature (Stripe's documented scheme), which never accepts an
empty secret.

Each period's payment is identified by its invoice id, the same from the return and
from invoice.paid, so the two never record one payment twice. A gift (a one-time payment)
is a Checkout Session in payment mode, named by its PaymentIntent; a retention offer the
reader accepts is its coupon put on the running subscription (discount_subscription).
"""

from __future__ import annotations

import datetime as dt
import json

import stripe
from django.conf import settings

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
    verify_timestamped_signature,
)
from masthead.billing.discounts import OfferTerms
from masthead.core import clock


def _when(seconds) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc) if seconds else None


def _plain(obj) -> dict:
    if obj is None:
        return {}
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _invoice_subscription(invoice: dict) -> tuple[str, str]:
    """(subscription id, Masthead reference) from an invoice, on old and new API versions."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or invoice.get("subscription_details") or {}
    sub_id = details.get("subscription") or invoice.get("subscription") or ""
    if isinstance(sub_id, dict):
        sub_id = sub_id.get("id", "")
    return sub_id, (details.get("metadata") or {}).get("masthead_ref", "")


def _line_period(invoice: dict) -> tuple[dt.datetime | None, dt.datetime | None]:
    lines = (invoice.get("lines") or {}).get("data") or []
    period = lines[0].get("period", {}) if lines else {}
    return _when(period.get("start")), _when(period.get("end"))


class StripeGateway:
    name = "stripe"
    renews_itself = True
    one_time_payments = True  # gifts: Checkout Sessions in payment mode
    webhook_max_bytes = 256 * 1024  # an invoice with its lines expanded stays well under this

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.MASTHEAD_STRIPE_SECRET_KEY and settings.MASTHEAD_STRIPE_WEBHOOK_SECRET)

    def __init__(self, client: stripe.StripeClient | None = None) -> None:
        self.client = client or stripe.StripeClient(
            settings.MASTHEAD_STRIPE_SECRET_KEY or "sk_test_unset",
            base_addresses={"api": settings.MASTHEAD_STRIPE_API_BASE},
            max_network_retries=2,
        )
        self.webhook_secret = settings.MASTHEAD_STRIPE_WEBHOOK_SECRET
        self.tolerance = settings.MASTHEAD_STRIPE_WEBHOOK_TOLERANCE

    def _call(self, function, *args, **kwargs):
        try:
            return _plain(function(*args, **kwargs))
        except stripe.APIConnectionError as exc:
            raise GatewayError("Stripe could not be reached. Please try again in a few minutes.") from exc
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe: {exc.user_message or exc}") from exc

    def _coupon(self, terms: OfferTerms, term_months: int, currency: str) -> str:
        """The Stripe coupon for an offer on a plan's term, made once under a stable id:
        percent_off or amount_off, for `once`, `repeating` (months = periods × term) or `forever`."""
        coupon_id = terms.gateway_ref("stripe") or f"masthead-{terms.code.lower()}-{term_months}m"
        try:
            return self.client.v1.coupons.retrieve(coupon_id)["id"]
        except stripe.InvalidRequestError:
            pass  # not made yet
        except stripe.APIConnectionError as exc:
            raise GatewayError("Stripe could not be reached. Please try again in a few minutes.") from exc
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe: {exc.user_message or exc}") from exc
        params = {"id": coupon_id, "name": terms.code[:40],
                  "metadata": {"masthead_offer": terms.code}}
        if terms.kind == "percent":
            params["percent_off"] = terms.percent_off
        else:
            params.update(amount_off=terms.amount_off, currency=currency.lower())
        if terms.forever:
            params["duration"] = "forever"
        elif terms.periods == 1:
            params["duration"] = "once"
        else:
            params.update(duration="repeating", duration_in_months=terms.periods * term_months)
        return self._call(self.client.v1.coupons.create, params, {"idempotency_key": f"coupon:{coupon_id}"})["id"]

    def _offer_params(self, request: CheckoutRequest) -> dict:
        """An offer in Stripe's terms: a coupon on the session, a trial on the subscription."""
        terms = request.offer
        if terms is None:
            return {}
        params: dict = {}
        if terms.kind != "none":
            params["discounts"] = [{"coupon": self._coupon(terms, request.term_months, request.currency)}]
        if terms.has_trial:
            if not terms.free_trial:
                raise GatewayError("Stripe checkout offers free trials only; make this trial free or use no trial.")
            params["trial_period_days"] = terms.trial_days
        return params

    def discount_subscription(self, gateway_ref: str, terms: OfferTerms, *, term_months: int, currency: str) -> None:
        """A retention offer accepted on the cancel page: its coupon on the Stripe subscription,
        so Stripe's own next invoices carry the discount."""
        if not gateway_ref.startswith("sub_"):
            raise GatewayError("Stripe: this subscription has no Stripe subscription to discount.")
        if terms.kind == "none" or terms.has_trial:
            raise GatewayError("Stripe: a retention offer must be a discount (no trial) on a running subscription.")
        coupon = self._coupon(terms, term_months, currency)
        self._call(self.client.v1.subscriptions.update, gateway_ref, {"discounts": [{"coupon": coupon}]},
                   {"idempotency_key": f"retention:{gateway_ref}:{coupon}"})

    def postpone_renewal(self, gateway_ref: str, until: dt.datetime) -> None:
        """A gift pays the months after the paid period: Stripe's next invoice moves to `until`
        (a trial_end on the running subscription, without proration)."""
        if not gateway_ref.startswith("sub_"):
            raise GatewayError("Stripe: this subscription has no Stripe subscription to extend.")
        self._call(self.client.v1.subscriptions.update, gateway_ref,
                   {"trial_end": int(until.timestamp()), "proration_behavior": "none"},
                   {"idempotency_key": f"postpone:{gateway_ref}:{int(until.timestamp())}"})

    def _start_payment(self, request: CheckoutRequest) -> CheckoutStart:
        """A one-time payment (a gift): a Checkout Session in payment mode, no subscription."""
        session = self._call(self.client.v1.checkout.sessions.create, {
            "mode": "payment",
            "client_reference_id": request.subscription_ref,
            "customer_email": request.customer_email or None,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.currency.lower(), "unit_amount": request.amount,
                "product_data": {"name": request.plan_name}}}],
            "payment_intent_data": {"metadata": {"masthead_ref": request.subscription_ref}},
            "metadata": {"masthead_ref": request.subscription_ref},
            "success_url": request.return_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": request.cancel_url,
        }, {"idempotency_key": f"checkout:{request.subscription_ref}"})
        return CheckoutStart(redirect_url=session["url"], gateway_ref=session["id"])

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        if request.one_time:
            return self._start_payment(request)
        offer = self._offer_params(request)
        subscription_data = {"metadata": {"masthead_ref": request.subscription_ref}}
        if "trial_period_days" in offer:
            subscription_data["trial_period_days"] = offer.pop("trial_period_days")
        session = self._call(self.client.v1.checkout.sessions.create, {
            **offer,
            "mode": "subscription",
            "client_reference_id": request.subscription_ref,
            "customer_email": request.customer_email or None,
            "line_items": [{
                "quantity": 1,
                "price_data": {
                    "currency": request.currency.lower(),
                    "unit_amount": request.list_amount or request.amount,
                    "recurring": {"interval": "month", "interval_count": request.term_months},
                    "product_data": {"name": request.plan_name},
                },
            }],
            "subscription_data": subscription_data,
            "metadata": {"masthead_ref": request.subscription_ref},
            "success_url": request.return_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": request.cancel_url,
        }, {"idempotency_key": f"checkout:{request.subscription_ref}"})
        return CheckoutStart(redirect_url=session["url"], gateway_ref=session["id"])

    def confirm(self, params: dict) -> Payment:
        session_id = params.get("session_id", "")
        if not session_id.startswith("cs_"):
            raise InvalidSignature("No Stripe Checkout Session in the return.")
        session = self._call(self.client.v1.checkout.sessions.retrieve, session_id,
                             {"expand": ["subscription", "invoice"]})
        if session.get("mode") == "payment":
            return self._payment_of(session)
        invoice = session.get("invoice") or {}
        subscription = session.get("subscription") or {}
        trial = isinstance(subscription, dict) and subscription.get("status") == "trialing"
        paid = session.get("status") == "complete" and (
            session.get("payment_status") == "paid" or (trial and session.get("payment_status") == "no_payment_required"))
        start, end = _line_period(invoice) if isinstance(invoice, dict) else (None, None)
        if trial:
            start, end = _when(subscription.get("trial_start")), _when(subscription.get("trial_end"))
        return Payment(
            subscription_ref=session.get("client_reference_id") or "",
            succeeded=paid,
            # The invoice names the period's payment; an unpaid session has none yet.
            payment_ref=(invoice.get("id", "") if isinstance(invoice, dict) else str(invoice or "")) or session_id,
            amount=session.get("amount_total") or 0,
            currency=(session.get("currency") or "").upper(),
            gateway_ref=subscription.get("id", "") if isinstance(subscription, dict) else str(subscription),
            payment_method_label="Card (Stripe)",
            period_start=start, period_end=end,
            failure_reason="" if paid else "The payment was not completed.",
            at_checkout=True, trial=trial,
        )

    @staticmethod
    def _payment_of(session: dict) -> Payment:
        """A payment-mode session's one payment, named by its PaymentIntent (the same from the
        return and from checkout.session.completed, so the two never record it twice)."""
        paid = session.get("status") == "complete" and session.get("payment_status") == "paid"
        intent = session.get("payment_intent") or ""
        if isinstance(intent, dict):
            intent = intent.get("id", "")
        return Payment(
            subscription_ref=session.get("client_reference_id") or "", succeeded=paid,
            payment_ref=intent or session["id"], amount=session.get("amount_total") or 0,
            currency=(session.get("currency") or "").upper(), gateway_ref=session["id"],
            payment_method_label="Card (Stripe)", failure_reason="" if paid else "The payment was not completed.",
            at_checkout=True,
        )

    def charge_renewal(self, charge: RenewalCharge) -> Payment:
        raise GatewayError("Stripe charges subscription renewals itself; reconcile them instead.")

    def reconcile(self, gateway_ref: str) -> list[GatewayEvent]:
        if not gateway_ref.startswith("sub_"):
            return []
        subscription = self._call(self.client.v1.subscriptions.retrieve, gateway_ref)
        if subscription.get("status") in ("canceled", "incomplete_expired"):
            return [GatewayEvent(event_id=f"reconcile:{gateway_ref}:ended", kind=EventKind.SUBSCRIPTION_ENDED,
                                 raw_type="customer.subscription.deleted", gateway_ref=gateway_ref,
                                 subscription_ref=(subscription.get("metadata") or {}).get("masthead_ref", ""),
                                 occurred_at=_when(subscription.get("ended_at")))]
        return []

    def cancel(self, gateway_ref: str, *, at_period_end: bool = True) -> None:
        if not gateway_ref.startswith("sub_"):
            return
        if at_period_end:
            self._call(self.client.v1.subscriptions.update, gateway_ref, {"cancel_at_period_end": True})
        else:
            self._call(self.client.v1.subscriptions.cancel, gateway_ref)

    def resume(self, gateway_ref: str) -> None:
        if gateway_ref.startswith("sub_"):
            self._call(self.client.v1.subscriptions.update, gateway_ref, {"cancel_at_period_end": False})

    def refund(self, payment_ref: str, amount: int, currency: str, idempotency_key: str) -> Refund:
        target = payment_ref
        if payment_ref.startswith("in_"):
            invoice = self._call(self.client.v1.invoices.retrieve, payment_ref)
            target = invoice.get("payment_intent") or ""
            if not target:
                raise GatewayError("Stripe: this invoice has no payment to refund.")
        key = "charge" if target.startswith("ch_") else "payment_intent"
        refund = self._call(self.client.v1.refunds.create, {key: target, "amount": amount},
                            {"idempotency_key": idempotency_key[:255]})
        return Refund(refund_ref=refund["id"], payment_ref=payment_ref, amount=refund["amount"],
                      currency=refund["currency"].upper())

    def verify_and_parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[GatewayEvent]:
        signature = {k.lower(): v for k, v in headers.items()}.get("stripe-signature", "")
        try:
            verify_timestamped_signature(self.webhook_secret, body, signature, tolerance=self.tolerance,
                                         now=clock.now().timestamp())
        except InvalidSignature as exc:
            raise InvalidSignature(f"Stripe-Signature rejected: {exc}") from exc
        event = json.loads(body)
        kind, obj, event_id = event["type"], event["data"]["object"], event["id"]
        occurred = _when(event.get("created"))
        common = {"event_id": event_id, "raw_type": kind, "occurred_at": occurred}
        if kind == "checkout.session.completed" and obj.get("mode") == "payment":
            payment = self._payment_of(obj)
            return [GatewayEvent(kind=EventKind.PAYMENT_SUCCEEDED if payment.succeeded else EventKind.PAYMENT_FAILED,
                                 subscription_ref=payment.subscription_ref, gateway_ref=payment.gateway_ref,
                                 payment_ref=payment.payment_ref, amount=payment.amount, currency=payment.currency,
                                 at_checkout=True, failure_reason=payment.failure_reason, **common)]
        if kind == "checkout.session.completed":
            return [GatewayEvent(kind=EventKind.SUBSCRIPTION_AUTHORISED, subscription_ref=obj.get("client_reference_id") or "",
                                 gateway_ref=obj.get("subscription") or "", payment_method_label="Card (Stripe)", **common)]
        if kind in ("invoice.paid", "invoice.payment_failed"):
            sub_id, ref = _invoice_subscription(obj)
            start, end = _line_period(obj)
            if kind == "invoice.paid":
                # A trial's first invoice is for nothing: the trial starts, no charge is recorded.
                trial = obj.get("billing_reason") == "subscription_create" and not obj.get("amount_paid")
                return [GatewayEvent(kind=EventKind.PAYMENT_SUCCEEDED, subscription_ref=ref, gateway_ref=sub_id,
                                     payment_ref=obj["id"], amount=obj.get("amount_paid", 0), trial=trial,
                                     currency=(obj.get("currency") or "").upper(), period_start=start, period_end=end,
                                     payment_method_label="Card (Stripe)", **common)]
            return [GatewayEvent(kind=EventKind.PAYMENT_FAILED, subscription_ref=ref, gateway_ref=sub_id,
                                 payment_ref=f"{obj['id']}:attempt{obj.get('attempt_count', 1)}",
                                 amount=obj.get("amount_due", 0), currency=(obj.get("currency") or "").upper(),
                                 for_period_end=start, failure_reason="Stripe could not take the renewal payment.",
                                 at_checkout=obj.get("billing_reason") == "subscription_create", **common)]
        if kind == "customer.subscription.updated" and obj.get("cancel_at_period_end"):
            return [GatewayEvent(kind=EventKind.CANCEL_SCHEDULED, gateway_ref=obj["id"],
                                 subscription_ref=(obj.get("metadata") or {}).get("masthead_ref", ""), **common)]
        if kind == "customer.subscription.deleted":
            return [GatewayEvent(kind=EventKind.SUBSCRIPTION_ENDED, gateway_ref=obj["id"],
                                 subscription_ref=(obj.get("metadata") or {}).get("masthead_ref", ""),
                                 event_id=event_id, raw_type=kind,
                                 occurred_at=_when(obj.get("ended_at")) or occurred)]
        if kind == "charge.refunded":
            refunds = (obj.get("refunds") or {}).get("data") or []
            latest = refunds[0] if refunds else {}
            # A subscription's payment is named by its invoice, a one-time payment by its PaymentIntent.
            return [GatewayEvent(kind=EventKind.REFUNDED,
                                 payment_ref=obj.get("invoice") or obj.get("payment_intent") or obj["id"],
                                 refund_ref=latest.get("id", ""), amount=latest.get("amount", obj.get("amount_refunded", 0)),
                                 currency=(obj.get("currency") or "").upper(),
                                 subscription_ref=(obj.get("metadata") or {}).get("masthead_ref", ""), **common)]
        return []
