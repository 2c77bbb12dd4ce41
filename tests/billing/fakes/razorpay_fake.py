"""A local fake of the Razorpay API for the endpoints the adapter uses, in Razorpay's documented shapes.

The hosted page (/hosted/<subscription id>) plays the reader authorising a UPI Autopay
or card mandate; then the fake sends the documented webhooks, signed with
X-Razorpay-Signature, and sends the reader to the callback with the signed ids.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from masthead.billing.periods import add_months

from .base import FakeProvider, Reply, fixture

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_masthead", "rzp_secret_masthead", "whsec_razorpay_masthead"


class RazorpayFake(FakeProvider):
    routes = [
        ("POST", r"/v1/plans", "create_plan"),
        ("POST", r"/v1/subscriptions", "create_subscription"),
        ("GET", r"/v1/subscriptions/([\w]+)", "fetch_subscription"),
        ("POST", r"/v1/subscriptions/([\w]+)/cancel", "cancel_subscription"),
        ("GET", r"/v1/payments/([\w]+)", "fetch_payment"),
        ("POST", r"/v1/payments/([\w]+)/refund", "refund_payment"),
        ("GET", r"/hosted/([\w]+)", "hosted_page"),
        ("POST", r"/v1/payment_links/?", "create_payment_link"),
        ("GET", r"/v1/payment_links/([\w]+)", "fetch_payment_link"),
        ("GET", r"/i/([\w]+)", "payment_link_page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plans: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        # Offers are made in Razorpay's dashboard, not through the API: tests put them here.
        self.offers: dict[str, dict] = {}
        self.payment_links: dict[str, dict] = {}
        self.now = lambda: int(time.time())

    # --- API -------------------------------------------------------------------------------
    def _auth(self, request) -> None:
        expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
        if request["headers"].get("authorization") != expected:
            raise Reply(401, {"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}})

    def _json(self, request) -> dict:
        self._auth(request)
        return json.loads(request["raw"] or b"{}")

    def create_plan(self, request):
        data = self._json(request)
        if data.get("period") not in ("daily", "weekly", "monthly", "yearly") or not data.get("item", {}).get("amount"):
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "period and item.amount are required"}})
        plan = {"id": self.next_id("plan_"), "entity": "plan", "interval": data["interval"], "period": data["period"],
                "item": {"id": self.next_id("item_"), "active": True, **data["item"]}, "notes": data.get("notes", {}),
                "created_at": self.now()}
        self.plans[plan["id"]] = plan
        return plan

    def create_subscription(self, request):
        data = self._json(request)
        if data.get("plan_id") not in self.plans:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}})
        if data.get("offer_id") and data["offer_id"] not in self.offers:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The offer id provided is invalid"}})
        sub = copy.deepcopy(fixture("razorpay", "subscription.authenticated")["payload"]["subscription"]["entity"])
        sub_id = self.next_id("sub_")
        sub.update(id=sub_id, plan_id=data["plan_id"], status="created", current_start=None, current_end=None,
                   notes=data.get("notes", {}), total_count=data["total_count"], paid_count=0,
                   remaining_count=data["total_count"], customer_id=None, payment_method=None,
                   short_url=f"{self.url}/hosted/{sub_id}", created_at=self.now(), charge_at=None, start_at=None,
                   end_at=None, ended_at=None, offer_id=data.get("offer_id"))
        sub["_start_at"], sub["_addons"] = data.get("start_at"), data.get("addons", [])
        self.subscriptions[sub_id] = sub
        return sub

    def _sub(self, sub_id: str) -> dict:
        if sub_id not in self.subscriptions:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}})
        return self.subscriptions[sub_id]

    def fetch_subscription(self, request, sub_id):
        self._auth(request)
        return self._sub(sub_id)

    def cancel_subscription(self, request, sub_id):
        data = self._json(request)
        sub = self._sub(sub_id)
        if data.get("cancel_at_cycle_end"):
            sub.update(has_scheduled_changes=True, change_scheduled_at=sub["current_end"])
            sub["_cancel_at_cycle_end"] = True
        else:
            sub.update(status="cancelled", ended_at=self.now())
            self.send("subscription.cancelled", sub)
        return sub

    def fetch_payment(self, request, payment_id):
        self._auth(request)
        if payment_id not in self.payments:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}})
        return self.payments[payment_id]

    def refund_payment(self, request, payment_id):
        data = self._json(request)
        payment = self.payments.get(payment_id)
        if payment is None:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}})
        for refund in self.refunds.values():  # the receipt makes a retried refund return the first one
            if data.get("receipt") and refund["receipt"] == data["receipt"]:
                return refund
        amount = data.get("amount", payment["amount"])
        if amount > payment["amount"] - payment["amount_refunded"]:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The refund amount is too large"}})
        refund = copy.deepcopy(fixture("razorpay", "refund.processed")["payload"]["refund"]["entity"])
        refund.update(id=self.next_id("rfnd_"), amount=amount, payment_id=payment_id, receipt=data.get("receipt"),
                      notes=data.get("notes", {}), created_at=self.now())
        self.refunds[refund["id"]] = refund
        payment["amount_refunded"] += amount
        self.send("refund.processed", None, payment, refund)
        return refund

    def create_payment_link(self, request):
        data = self._json(request)
        if not data.get("amount") or not data.get("reference_id"):
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "amount and reference_id are required"}})
        if any(link["reference_id"] == data["reference_id"] for link in self.payment_links.values()):
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR",
                                        "description": "payment link with given reference_id already exists"}})
        link_id = self.next_id("plink_")
        link = copy.deepcopy(fixture("razorpay", "payment_link.paid")["payload"]["payment_link"]["entity"])
        link.update(id=link_id, amount=data["amount"], amount_paid=0, currency=data.get("currency", "INR"),
                    description=data.get("description", ""), reference_id=data["reference_id"], status="created",
                    short_url=f"{self.url}/i/{link_id}", customer=data.get("customer", {}), notes=data.get("notes", {}),
                    order_id=None, created_at=self.now(), callback_url=data.get("callback_url"),
                    callback_method=data.get("callback_method"))
        self.payment_links[link_id] = link
        return link

    def fetch_payment_link(self, request, link_id):
        self._auth(request)
        if link_id not in self.payment_links:
            raise Reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}})
        return self.payment_links[link_id]

    def payment_link_page(self, request, link_id):
        """The buyer pays a payment link (a one-time payment); the fake sends payment_link.paid
        and the buyer back to the callback with the documented signed parameters."""
        link = self.payment_links[link_id]
        payment = copy.deepcopy(fixture("razorpay", "payment_link.paid")["payload"]["payment"]["entity"])
        payment.update(id=self.next_id("pay_"), amount=link["amount"], currency=link["currency"], notes=link["notes"],
                       order_id=self.next_id("order_"), created_at=self.now(), amount_refunded=0)
        self.payments[payment["id"]] = payment
        link.update(status="paid", amount_paid=link["amount"], order_id=payment["order_id"])
        body = fixture("razorpay", "payment_link.paid")
        body["created_at"] = self.now()
        body["payload"] = {"payment_link": {"entity": copy.deepcopy(link)}, "payment": {"entity": copy.deepcopy(payment)}}
        body["contains"] = list(body["payload"])
        raw = json.dumps(body).encode()
        self.webhooks.append((raw, {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest(),
            "X-Razorpay-Event-Id": self.next_id("evt_"),
        }))
        signed = f"{link_id}|{link['reference_id']}|paid|{payment['id']}"
        query = urlencode({"razorpay_payment_id": payment["id"], "razorpay_payment_link_id": link_id,
                           "razorpay_payment_link_reference_id": link["reference_id"],
                           "razorpay_payment_link_status": "paid",
                           "razorpay_signature": hmac.new(KEY_SECRET.encode(), signed.encode(),
                                                          hashlib.sha256).hexdigest()})
        raise Reply(302, None, {"Location": f"{link['callback_url']}?{query}"})

    # --- the reader's side and Razorpay's own schedule ---------------------------------------
    def _months(self, sub: dict) -> int:
        plan = self.plans[sub["plan_id"]]
        return plan["interval"] * (12 if plan["period"] == "yearly" else 1)

    def _charge(self, sub: dict, method: str, amount: int | None = None) -> dict:
        plan = self.plans[sub["plan_id"]]
        if amount is None:
            amount = plan["item"]["amount"]
            offer = self.offers.get(sub.get("offer_id") or "")
            if offer and (offer["periods"] == 0 or sub["paid_count"] < offer["periods"]):
                amount -= amount * offer["percent_off"] // 100  # the offer's discount on this cycle
        payment = copy.deepcopy(fixture("razorpay", "subscription.charged")["payload"]["payment"]["entity"])
        payment.update(id=self.next_id("pay_"), amount=amount, currency=plan["item"]["currency"],
                       method=method, created_at=self.now(), token_id=sub.setdefault("_token", self.next_id("token_")),
                       vpa="reader@okhdfcbank" if method == "upi" else None,
                       card={"last4": "1111", "network": "Visa", "type": "credit"} if method == "card" else None,
                       description=plan["item"]["name"], amount_refunded=0)
        self.payments[payment["id"]] = payment
        return payment

    def hosted_page(self, request, sub_id):
        """The reader authorises the mandate and pays the first period."""
        sub = self._sub(sub_id)
        method = self.query(request).get("method", "upi")
        now = self.now()
        start = dt.datetime.fromtimestamp(now, dt.timezone.utc)
        end = add_months(start, self._months(sub), dt.timezone.utc)
        sub.update(status="authenticated", payment_method=method, customer_id="cust_" + sub_id[4:])
        if sub["_start_at"] and sub["_start_at"] > now:
            # A trial: the mandate is authorised now (with the add-on, if any), the first cycle
            # is charged at start_at.
            upfront = sum(addon["item"]["amount"] for addon in sub["_addons"])
            payment = self._charge(sub, method, amount=upfront or 500)
            sub.update(start_at=sub["_start_at"], charge_at=sub["_start_at"], current_end=sub["_start_at"])
            self.send("subscription.authenticated", sub, payment)
            signature = hmac.new(KEY_SECRET.encode(), f"{payment['id']}|{sub_id}".encode(), hashlib.sha256).hexdigest()
            query = urlencode({"razorpay_payment_id": payment["id"], "razorpay_subscription_id": sub_id,
                               "razorpay_signature": signature})
            raise Reply(302, None, {"Location": f"{sub['notes']['callback_url']}?{query}"})
        self.send("subscription.authenticated", sub)
        payment = self._charge(sub, method)
        sub.update(status="active", current_start=now, current_end=int(end.timestamp()), charge_at=int(end.timestamp()),
                   start_at=now, paid_count=1, remaining_count=sub["total_count"] - 1)
        self.send("subscription.activated", sub)
        self.send("subscription.charged", sub, payment)
        signature = hmac.new(KEY_SECRET.encode(), f"{payment['id']}|{sub_id}".encode(), hashlib.sha256).hexdigest()
        callback = sub["notes"]["callback_url"]
        query = urlencode({"razorpay_payment_id": payment["id"], "razorpay_subscription_id": sub_id,
                           "razorpay_signature": signature})
        raise Reply(302, None, {"Location": f"{callback}?{query}"})

    def renew(self, sub_id: str, *, succeed: bool = True) -> None:
        """Razorpay's own renewal at the end of the cycle."""
        with self.lock:
            sub = self._sub(sub_id)
            if sub.get("_cancel_at_cycle_end"):
                sub.update(status="cancelled", ended_at=sub["current_end"])
                self.send("subscription.cancelled", sub)
                return
            if not succeed:
                sub.update(status="pending", auth_attempts=sub["auth_attempts"] + 1)
                self.send("subscription.pending", sub)
                return
            start = dt.datetime.fromtimestamp(sub["current_end"], dt.timezone.utc)
            end = add_months(start, self._months(sub), dt.timezone.utc)
            payment = self._charge(sub, sub["payment_method"])
            sub.update(status="active", current_start=sub["current_end"], current_end=int(end.timestamp()),
                       paid_count=sub["paid_count"] + 1, remaining_count=sub["remaining_count"] - 1, auth_attempts=0)
            self.send("subscription.charged", sub, payment)

    def halt(self, sub_id: str) -> None:
        with self.lock:
            sub = self._sub(sub_id)
            sub.update(status="halted", ended_at=self.now())
            self.send("subscription.halted", sub)

    # --- webhooks --------------------------------------------------------------------------
    def send(self, event: str, sub: dict | None, payment: dict | None = None, refund: dict | None = None) -> None:
        body = fixture("razorpay", event if event != "subscription.pending" else "subscription.pending")
        body["created_at"] = self.now()
        payload: dict = {}
        if sub is not None:
            payload["subscription"] = {"entity": {k: v for k, v in sub.items() if not k.startswith("_")}}
        if payment is not None:
            payload["payment"] = {"entity": copy.deepcopy(payment)}
        if refund is not None:
            payload["refund"] = {"entity": copy.deepcopy(refund)}
        body["payload"], body["contains"] = payload, list(payload)
        raw = json.dumps(body).encode()
        self.webhooks.append((raw, {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest(),
            "X-Razorpay-Event-Id": self.next_id("evt_"),
        }))
