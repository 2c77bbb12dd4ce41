"""A local fake of the Stripe API for the endpoints the adapter uses, in Stripe's documented shapes.

Requests arrive form-encoded with Stripe's bracket notation (line_items[0][price_data][...]);
idempotent POSTs honour the Idempotency-Key header like Stripe does; webhooks are
signed with the Stripe-Signature scheme (t=<time>,v1=<HMAC-SHA256 of "t.payload">).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qsl

from masthead.billing.periods import add_months

from .base import FakeProvider, Reply, fixture

SECRET_KEY, WEBHOOK_SECRET = "sk_test_masthead", "whsec_stripe_masthead"


def parse_form(raw: str) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, following in zip(parts, parts[1:] + [None]):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class StripeFake(FakeProvider):
    routes = [
        ("POST", r"/v1/checkout/sessions", "create_session"),
        ("GET", r"/v1/checkout/sessions/([\w]+)", "retrieve_session"),
        ("GET", r"/v1/subscriptions/([\w]+)", "retrieve_subscription"),
        ("POST", r"/v1/subscriptions/([\w]+)", "update_subscription"),
        ("DELETE", r"/v1/subscriptions/([\w]+)", "cancel_subscription"),
        ("GET", r"/v1/invoices/([\w]+)", "retrieve_invoice"),
        ("POST", r"/v1/refunds", "create_refund"),
        ("GET", r"/v1/coupons/([\w-]+)", "retrieve_coupon"),
        ("POST", r"/v1/coupons", "create_coupon"),
        ("GET", r"/pay/([\w]+)", "pay_page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, dict] = {}
        self.coupons: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}  # one-time PaymentIntents (payment-mode sessions)
        self.now = lambda: int(time.time())

    def _auth(self, request) -> None:
        if request["headers"].get("authorization") != f"Bearer {SECRET_KEY}":
            raise Reply(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})

    def _form(self, request) -> dict:
        self._auth(request)
        return parse_form(request["raw"].decode())

    def _idempotent(self, request, make):
        key = request["headers"].get("idempotency-key")
        if key and key in self.idempotent:
            return self.idempotent[key]
        result = make()
        if key:
            self.idempotent[key] = result
        return result

    def retrieve_coupon(self, request, coupon_id):
        self._auth(request)
        if coupon_id not in self.coupons:
            raise Reply(404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                        "message": f"No such coupon: '{coupon_id}'"}})
        return self.coupons[coupon_id]

    def create_coupon(self, request):
        data = self._form(request)

        def make():
            if data.get("duration") not in ("once", "repeating", "forever"):
                raise Reply(400, {"error": {"type": "invalid_request_error", "message": "Invalid duration"}})
            if data["duration"] == "repeating" and not data.get("duration_in_months"):
                raise Reply(400, {"error": {"type": "invalid_request_error", "message": "duration_in_months needed"}})
            coupon = {"id": data.get("id") or self.next_id("co_"), "object": "coupon", "duration": data["duration"],
                      "duration_in_months": int(data["duration_in_months"]) if data.get("duration_in_months") else None,
                      "percent_off": float(data["percent_off"]) if data.get("percent_off") else None,
                      "amount_off": int(data["amount_off"]) if data.get("amount_off") else None,
                      "currency": data.get("currency"), "metadata": data.get("metadata", {})}
            self.coupons[coupon["id"]] = coupon
            return coupon
        return self._idempotent(request, make)

    def _discounted(self, amount: int, coupon: dict | None) -> int:
        if not coupon:
            return amount
        if coupon["percent_off"]:
            return amount - round(amount * coupon["percent_off"] / 100)
        return max(0, amount - coupon["amount_off"])

    def create_session(self, request):
        data = self._form(request)

        def make():
            item = data["line_items"][0]
            price = item["price_data"]
            coupon = None
            for discount in data.get("discounts", []):
                if discount["coupon"] not in self.coupons:
                    raise Reply(400, {"error": {"type": "invalid_request_error", "message": "No such coupon"}})
                coupon = self.coupons[discount["coupon"]]
            trial_days = int(data.get("subscription_data", {}).get("trial_period_days") or 0)
            mode = data.get("mode", "subscription")
            if mode == "payment" and "recurring" in price:
                raise Reply(400, {"error": {"type": "invalid_request_error",
                                            "message": "You specified `payment` mode but passed a recurring price."}})
            session_id = self.next_id("cs_test_")
            session = copy.deepcopy(fixture("stripe", "checkout.session.completed")["data"]["object"])
            session.update(
                id=session_id, status="open", payment_status="unpaid", subscription=None, invoice=None,
                client_reference_id=data.get("client_reference_id"), customer_email=data.get("customer_email"),
                amount_total=0 if trial_days else self._discounted(int(price["unit_amount"]) * int(item.get("quantity", 1)), coupon),
                _unit=int(price["unit_amount"]), _coupon=coupon, _trial_days=trial_days,
                amount_subtotal=int(price["unit_amount"]), currency=price["currency"], metadata=data.get("metadata", {}),
                success_url=data["success_url"], cancel_url=data["cancel_url"], url=f"{self.url}/pay/{session_id}",
                _months=int(price["recurring"]["interval_count"]) if mode == "subscription" else 0,
                _product=price["product_data"]["name"], mode=mode, payment_intent=None,
                _subscription_metadata=data.get("subscription_data", {}).get("metadata", {}),
            )
            self.sessions[session_id] = session
            return self._public(session)
        return self._idempotent(request, make)

    @staticmethod
    def _public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def retrieve_session(self, request, session_id):
        self._auth(request)
        session = self.sessions.get(session_id)
        if session is None:
            raise Reply(404, {"error": {"type": "invalid_request_error", "message": f"No such checkout.session: '{session_id}'"}})
        public = self._public(session)
        expand = [v for k, v in parse_qsl(request["query"]) if k.startswith("expand")]
        if "subscription" in expand and public["subscription"]:
            public["subscription"] = self._public(self.subscriptions[public["subscription"]])
        if "invoice" in expand and public["invoice"]:
            public["invoice"] = self.invoices[public["invoice"]]
        return public

    def _sub(self, sub_id):
        if sub_id not in self.subscriptions:
            raise Reply(404, {"error": {"type": "invalid_request_error", "message": f"No such subscription: '{sub_id}'"}})
        return self.subscriptions[sub_id]

    def retrieve_subscription(self, request, sub_id):
        self._auth(request)
        return self._public(self._sub(sub_id))

    def update_subscription(self, request, sub_id):
        data = self._form(request)
        sub = self._sub(sub_id)
        for discount in data.get("discounts", []):
            if discount["coupon"] not in self.coupons:
                raise Reply(400, {"error": {"type": "invalid_request_error", "message": "No such coupon"}})
            # A coupon put on a running subscription discounts its next invoices from now on.
            sub["_coupon"], sub["_cycles"] = self.coupons[discount["coupon"]], 0
            sub["discounts"] = [discount["coupon"]]
        if "trial_end" in data:  # the next invoice moves to trial_end (no proration)
            sub["trial_end"] = int(data["trial_end"])
            sub["status"] = "trialing"
            sub["items"]["data"][0]["current_period_end"] = sub["trial_end"]
            self.send("customer.subscription.updated", self._public(sub))
        if "cancel_at_period_end" in data:
            sub["cancel_at_period_end"] = data["cancel_at_period_end"] == "true"
            self.send("customer.subscription.updated", self._public(sub))
        return self._public(sub)

    def cancel_subscription(self, request, sub_id):
        self._auth(request)
        sub = self._sub(sub_id)
        sub.update(status="canceled", ended_at=self.now(), canceled_at=self.now())
        self.send("customer.subscription.deleted", self._public(sub))
        return self._public(sub)

    def retrieve_invoice(self, request, invoice_id):
        self._auth(request)
        if invoice_id not in self.invoices:
            raise Reply(404, {"error": {"type": "invalid_request_error", "message": f"No such invoice: '{invoice_id}'"}})
        return self.invoices[invoice_id]

    def create_refund(self, request):
        data = self._form(request)

        def make():
            invoice = next((i for i in self.invoices.values() if i["payment_intent"] == data.get("payment_intent")), None)
            if invoice is None and data.get("payment_intent") in self.payments:
                one_time = self.payments[data["payment_intent"]]
                invoice = {"id": None, "payment_intent": data["payment_intent"], "amount_paid": one_time["amount"],
                           "currency": one_time["currency"]}
            if invoice is None:
                raise Reply(400, {"error": {"type": "invalid_request_error", "message": "No such payment_intent"}})
            amount = int(data.get("amount", invoice["amount_paid"]))
            refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == invoice["payment_intent"])
            if amount > invoice["amount_paid"] - refunded:
                raise Reply(400, {"error": {"type": "invalid_request_error", "message": "Refund amount is greater than the unrefunded amount"}})
            refund = {"id": self.next_id("re_"), "object": "refund", "amount": amount, "currency": invoice["currency"],
                      "payment_intent": invoice["payment_intent"], "status": "succeeded", "created": self.now()}
            self.refunds[refund["id"]] = refund
            charge = copy.deepcopy(fixture("stripe", "charge.refunded")["data"]["object"])
            charge.update(id="ch_" + invoice["payment_intent"][3:], amount=invoice["amount_paid"],
                          amount_refunded=refunded + amount, invoice=invoice["id"], payment_intent=invoice["payment_intent"],
                          currency=invoice["currency"], refunds={"object": "list", "data": [refund]})
            self.send("charge.refunded", charge)
            return refund
        return self._idempotent(request, make)

    # --- the reader's side and Stripe's own schedule -------------------------------------
    def _invoice(self, sub: dict, start: int, end: int, paid: bool, reason: str) -> dict:
        invoice = copy.deepcopy(fixture("stripe", "invoice.paid")["data"]["object"])
        invoice_id = self.next_id("in_")
        invoice.update(id=invoice_id, amount_due=sub["_amount"], amount_paid=sub["_amount"] if paid else 0,
                       amount_remaining=0 if paid else sub["_amount"], currency=sub["_currency"], paid=paid,
                       status="paid" if paid else "open", billing_reason=reason,
                       payment_intent=self.next_id("pi_") if paid else None, attempt_count=1)
        invoice["parent"]["subscription_details"] = {"metadata": sub["metadata"], "subscription": sub["id"]}
        invoice["lines"]["data"][0].update(amount=sub["_amount"], currency=sub["_currency"], period={"start": start, "end": end})
        self.invoices[invoice_id] = invoice
        return invoice

    def pay_page(self, request, session_id):
        session = self.sessions[session_id]
        now = self.now()
        if session["mode"] == "payment":  # a one-time payment: a PaymentIntent, no subscription
            intent = self.next_id("pi_")
            self.payments[intent] = {"amount": session["amount_total"], "currency": session["currency"],
                                     "metadata": session["metadata"]}
            session.update(status="complete", payment_status="paid", payment_intent=intent)
            self.send("checkout.session.completed", self._public(session))
            raise Reply(303, None, {"Location": session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)})
        end = int(add_months(dt.datetime.fromtimestamp(now, dt.timezone.utc), session["_months"], dt.timezone.utc).timestamp())
        sub_id = self.next_id("sub_")
        sub = {"id": sub_id, "object": "subscription", "status": "active", "cancel_at_period_end": False,
               "canceled_at": None, "ended_at": None, "customer": self.next_id("cus_"),
               "metadata": session["_subscription_metadata"],
               "items": {"object": "list", "data": [{"id": self.next_id("si_"), "object": "subscription_item",
                                                     "current_period_start": now, "current_period_end": end}]},
               "_amount": session["amount_total"], "_currency": session["currency"], "_months": session["_months"],
               "_unit": session["_unit"], "_coupon": session["_coupon"], "_cycles": 1}
        if session["_trial_days"]:
            end = now + session["_trial_days"] * 86400
            sub.update(status="trialing", trial_start=now, trial_end=end)
            sub["items"]["data"][0]["current_period_end"] = end
            sub["_cycles"] = 0  # the trial is not a discounted cycle
        self.subscriptions[sub_id] = sub
        invoice = self._invoice(sub, now, end, True, "subscription_create")
        session.update(status="complete", payment_status="no_payment_required" if session["_trial_days"] else "paid",
                       subscription=sub_id, invoice=invoice["id"])
        self.send("checkout.session.completed", self._public(session))
        self.send("invoice.paid", invoice)
        raise Reply(303, None, {"Location": session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)})

    def renew(self, sub_id: str, *, succeed: bool = True) -> None:
        with self.lock:
            sub = self._sub(sub_id)
            item = sub["items"]["data"][0]
            if sub["cancel_at_period_end"]:
                sub.update(status="canceled", ended_at=item["current_period_end"], canceled_at=item["current_period_end"])
                self.send("customer.subscription.deleted", self._public(sub))
                return
            start = item["current_period_end"]
            end = int(add_months(dt.datetime.fromtimestamp(start, dt.timezone.utc), sub["_months"], dt.timezone.utc).timestamp())
            coupon = sub.get("_coupon")
            months_used = sub["_cycles"] * sub["_months"]
            still = coupon and (coupon["duration"] == "forever" or (
                coupon["duration"] == "repeating" and months_used < coupon["duration_in_months"])
                or (coupon["duration"] == "once" and sub["_cycles"] == 0))
            sub["_amount"] = self._discounted(sub["_unit"], coupon) if still else sub["_unit"]
            sub["_cycles"] += 1
            sub["status"] = "active"
            invoice = self._invoice(sub, start, end, succeed, "subscription_cycle")
            if succeed:
                item.update(current_period_start=start, current_period_end=end)
                self.send("invoice.paid", invoice)
            else:
                sub["status"] = "past_due"
                self.send("invoice.payment_failed", invoice)

    def send(self, event_type: str, obj: dict, *, timestamp: int | None = None) -> None:
        event = fixture("stripe", event_type)
        event.update(id=self.next_id("evt_"), created=self.now())
        event["data"] = {"object": obj}
        payload = json.dumps(event).encode()
        self.webhooks.append((payload, {"Content-Type": "application/json",
                                        "Stripe-Signature": sign(payload, timestamp or self.now())}))


def sign(payload: bytes, timestamp: int, secret: str = WEBHOOK_SECRET) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"
