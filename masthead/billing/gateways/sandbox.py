"""The sandbox gateway: a local stand-in for a payment provider, for the demo and tests.

It behaves like a real provider from Masthead's side: a hosted checkout page (marked
TEST MODE) takes test cards, the reader comes back with a signed return, and the
gateway posts an HMAC-SHA256-signed webhook to Masthead's own endpoint. Its own
records (charges, refunds, webhooks sent) live in a separate SQLite file, outside
Masthead's database transactions, just as a provider's books are: that is what lets
the tests prove a crashed renewal run never charges twice.

Test cards:
    4242 4242 4242 4242  succeeds (renewals succeed too)
    4000 0000 0000 0002  is declined
    4000 0000 0000 3220  needs an extra authentication step (OTP 123456)
    4000 0000 0000 0341  succeeds now, but every renewal is declined
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
import threading
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

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
    hmac_sha256,
    verify_timestamped_signature,
)
from masthead.billing.periods import add_months
from masthead.core import clock

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
NEEDS_AUTHENTICATION = "4000000000003220"
DECLINES_RENEWALS = "4000000000000341"
TEST_CARDS = {
    SUCCEEDS: "Succeeds",
    DECLINED: "Declined",
    NEEDS_AUTHENTICATION: "Asks for a one-time password (use 123456)",
    DECLINES_RENEWALS: "Succeeds now, renewals are declined",
}
TEST_OTP = "123456"
SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300
_CHECKOUT_SALT = "masthead.billing.sandbox.checkout"
_RETURN_SALT = "masthead.billing.sandbox.return"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    idempotency_key TEXT PRIMARY KEY, payment_ref TEXT NOT NULL, subscription_ref TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, succeeded INTEGER NOT NULL, reason TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
    idempotency_key TEXT PRIMARY KEY, refund_ref TEXT NOT NULL, payment_ref TEXT NOT NULL,
    amount INTEGER NOT NULL, currency TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkouts (
    subscription_ref TEXT PRIMARY KEY, payment_ref TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB NOT NULL, signature TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0);
"""


def normalise_card(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class SandboxStore:
    """The sandbox provider's own books: one SQLite file, one connection per thread."""

    _local = threading.local()

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path or settings.MASTHEAD_SANDBOX_STORE)

    def connection(self) -> sqlite3.Connection:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        conn = connections.get(self.path)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            connections[self.path] = conn
        return conn

    def charge(self, key: str, subscription_ref: str, amount: int, currency: str, succeeds: bool, reason: str):
        """Record a charge once per idempotency key; a repeat returns the first result."""
        conn = self.connection()
        payment_ref = "pay_sbx_" + hashlib.sha256(key.encode()).hexdigest()[:20]
        conn.execute(
            "INSERT OR IGNORE INTO charges VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, payment_ref, subscription_ref, amount, currency, int(succeeds), reason, clock.now().isoformat()),
        )
        return conn.execute(
            "SELECT payment_ref, amount, currency, succeeded, reason FROM charges WHERE idempotency_key = ?", (key,)
        ).fetchone()

    def charges(self, subscription_ref: str | None = None) -> list[tuple]:
        query = "SELECT idempotency_key, payment_ref, amount, succeeded FROM charges"
        args: tuple = ()
        if subscription_ref:
            query, args = query + " WHERE subscription_ref = ?", (subscription_ref,)
        return self.connection().execute(query + " ORDER BY rowid", args).fetchall()

    def claim_checkout(self, subscription_ref: str, payment_ref: str) -> bool:
        """Take a checkout's one payment attempt; False when it was taken before (a link pays once)."""
        cursor = self.connection().execute(
            "INSERT OR IGNORE INTO checkouts VALUES (?, ?, ?)", (subscription_ref, payment_ref, clock.now().isoformat())
        )
        return cursor.rowcount == 1

    def checkout_used(self, subscription_ref: str) -> bool:
        row = self.connection().execute(
            "SELECT 1 FROM checkouts WHERE subscription_ref = ?", (subscription_ref,)).fetchone()
        return row is not None

    def refund(self, key: str, payment_ref: str, amount: int, currency: str):
        conn = self.connection()
        refund_ref = "rfnd_sbx_" + hashlib.sha256(key.encode()).hexdigest()[:20]
        conn.execute("INSERT OR IGNORE INTO refunds VALUES (?, ?, ?, ?, ?)", (key, refund_ref, payment_ref, amount, currency))
        return conn.execute(
            "SELECT refund_ref, payment_ref, amount, currency FROM refunds WHERE idempotency_key = ?", (key,)
        ).fetchone()

    def record_webhook(self, body: bytes, signature: str) -> int:
        cursor = self.connection().execute("INSERT INTO webhooks (body, signature) VALUES (?, ?)", (body, signature))
        return cursor.lastrowid

    def webhook(self, webhook_id: int) -> tuple[bytes, str]:
        row = self.connection().execute("SELECT body, signature FROM webhooks WHERE id = ?", (webhook_id,)).fetchone()
        return bytes(row[0]), row[1]

    def webhooks(self) -> list[tuple[int, bytes, str]]:
        rows = self.connection().execute("SELECT id, body, signature FROM webhooks ORDER BY id").fetchall()
        return [(row[0], bytes(row[1]), row[2]) for row in rows]

    def mark_delivered(self, webhook_id: int) -> None:
        self.connection().execute("UPDATE webhooks SET delivered = 1 WHERE id = ?", (webhook_id,))


def sign(body: bytes, timestamp: int, secret: str | None = None) -> str:
    """The signature header value: t=<unix time>,v1=<hex HMAC-SHA256 of 't.body'>."""
    secret = settings.MASTHEAD_SANDBOX_SECRET if secret is None else secret
    return f"t={timestamp},v1={hmac_sha256(secret, f'{timestamp}.'.encode() + body)}"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class SandboxGateway:
    """The built-in test provider (see the module docstring for its test cards)."""

    name = "sandbox"
    renews_itself = False
    one_time_payments = True  # gifts: the same checkout page, no card kept
    webhook_max_bytes = 16 * 1024  # its events are under 1 KB

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.MASTHEAD_SANDBOX_SECRET)

    def __init__(self, store: SandboxStore | None = None) -> None:
        self.store = store or SandboxStore()
        self.secret = settings.MASTHEAD_SANDBOX_SECRET

    # --- checkout ---------------------------------------------------------------------
    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        token = signing.dumps(
            {
                "ref": request.subscription_ref, "plan": request.plan_name, "amount": request.amount,
                "currency": request.currency, "months": request.term_months, "email": request.customer_email,
                "return": request.return_url, "cancel": request.cancel_url,
                # The sandbox simulates an offer itself: the checkout charges `amount` (the
                # trial's price, or the first discounted period), Masthead prices renewals.
                "trial_days": request.trial_days, "list": request.list_amount or request.amount,
                "offer": request.offer.code if request.offer else "",
                "one_time": request.one_time,
            },
            key=self.secret, salt=_CHECKOUT_SALT,
        )
        url = reverse("billing:sandbox_checkout", args=[token])
        return CheckoutStart(redirect_url=url, gateway_ref="cs_sbx_" + request.subscription_ref[4:])

    def read_checkout(self, token: str) -> dict:
        """The checkout a sandbox page shows; raises InvalidSignature for a tampered link."""
        if not self.secret:  # Django's signing would fall back to SECRET_KEY; the sandbox never does
            raise InvalidSignature("The sandbox has no secret configured.")
        try:
            return signing.loads(token, key=self.secret, salt=_CHECKOUT_SALT, max_age=24 * 3600)
        except signing.BadSignature as exc:
            raise InvalidSignature("This test checkout link is not valid.") from exc

    def pay(self, checkout: dict, card_number: str, *, authenticated: bool = False,
            failure_reason: str = "") -> tuple[Payment, str]:
        """The reader paid on the sandbox page: record it, send the webhook, and return the
        payment with the signed URL the reader is sent back to.

        A checkout takes one payment attempt, succeeded or declined; a second raises
        GatewayError. The card that asks for a one-time password succeeds only once
        `authenticated` (the reader gave the code); `failure_reason` says why it did not.
        """
        card = normalise_card(card_number)
        now = clock.now()
        succeeded = card in (SUCCEEDS, DECLINES_RENEWALS) or (card == NEEDS_AUTHENTICATION and authenticated)
        trial_days = int(checkout.get("trial_days") or 0)
        # A trial's period is its days; the card is kept for the first charge at its end.
        end = now + dt.timedelta(days=trial_days) if trial_days else add_months(now, checkout["months"])
        payment = Payment(
            subscription_ref=checkout["ref"],
            succeeded=succeeded,
            payment_ref="pay_sbx_" + secrets.token_hex(10),
            amount=checkout["amount"],
            currency=checkout["currency"],
            gateway_ref="cs_sbx_" + checkout["ref"][4:],
            # A one-time payment (a gift) keeps no card for renewals.
            payment_method=f"tok_sbx_{card[-4:]}_{secrets.token_hex(6)}" if succeeded and not checkout.get("one_time")
            else "",
            payment_method_label=f"Test card ending {card[-4:]}",
            period_start=now if succeeded else None,
            period_end=end if succeeded else None,
            failure_reason="" if succeeded else failure_reason or "Your card was declined. No money was taken.",
            at_checkout=True, trial=bool(trial_days),
        )
        if not self.store.claim_checkout(payment.subscription_ref, payment.payment_ref):
            raise GatewayError("This checkout has already been paid or declined. Start a new one from the plans page.")
        self.store.charge("checkout:" + payment.payment_ref, payment.subscription_ref, payment.amount,
                          payment.currency, succeeded, payment.failure_reason)
        self.send_webhook(self._event_body(payment, now))
        query = urlencode({"sandbox": signing.dumps(self._payment_dict(payment), key=self.secret, salt=_RETURN_SALT)})
        separator = "&" if "?" in checkout["return"] else "?"
        return payment, checkout["return"] + separator + query

    def confirm(self, params: dict) -> Payment:
        if not self.secret:
            raise InvalidSignature("The sandbox has no secret configured.")
        try:
            data = signing.loads(params.get("sandbox", ""), key=self.secret, salt=_RETURN_SALT, max_age=3600)
        except signing.BadSignature as exc:
            raise InvalidSignature("The payment confirmation was not signed by the sandbox.") from exc
        return Payment(**{**data, "period_start": _parse(data["period_start"]), "period_end": _parse(data["period_end"]),
                          "trial": bool(data.get("trial"))})

    # --- renewals, refunds ------------------------------------------------------------
    def charge_renewal(self, charge: RenewalCharge) -> Payment:
        declines = charge.payment_method.startswith(f"tok_sbx_{DECLINES_RENEWALS[-4:]}_") or not charge.payment_method
        reason = "The card issuer declined the renewal." if declines else ""
        payment_ref, amount, currency, succeeded, reason = self.store.charge(
            charge.idempotency_key, charge.subscription_ref, charge.amount, charge.currency, not declines, reason
        )
        return Payment(subscription_ref=charge.subscription_ref, succeeded=bool(succeeded), payment_ref=payment_ref,
                       amount=amount, currency=currency, payment_method=charge.payment_method, failure_reason=reason)

    def reconcile(self, gateway_ref: str) -> list[GatewayEvent]:
        return []  # Masthead charges sandbox renewals itself; there is nothing to reconcile.

    def cancel(self, gateway_ref: str, *, at_period_end: bool = True) -> None:
        return None  # the sandbox keeps no schedule of its own

    def resume(self, gateway_ref: str) -> None:
        return None

    def refund(self, payment_ref: str, amount: int, currency: str, idempotency_key: str) -> Refund:
        if amount <= 0:
            raise GatewayError("A refund must be for more than nothing.")
        refund_ref, payment_ref, amount, currency = self.store.refund(idempotency_key, payment_ref, amount, currency)
        return Refund(refund_ref=refund_ref, payment_ref=payment_ref, amount=amount, currency=currency)

    # --- webhooks -----------------------------------------------------------------------
    def _payment_dict(self, payment: Payment) -> dict:
        return {
            "subscription_ref": payment.subscription_ref, "succeeded": payment.succeeded,
            "payment_ref": payment.payment_ref, "amount": payment.amount, "currency": payment.currency,
            "gateway_ref": payment.gateway_ref, "payment_method": payment.payment_method,
            "payment_method_label": payment.payment_method_label, "period_start": _iso(payment.period_start),
            "period_end": _iso(payment.period_end), "failure_reason": payment.failure_reason,
            "at_checkout": payment.at_checkout, "trial": payment.trial,
        }

    def _event_body(self, payment: Payment, now: dt.datetime) -> bytes:
        event = {
            "id": "evt_sbx_" + secrets.token_hex(10),
            "type": "payment.succeeded" if payment.succeeded else "payment.failed",
            "created": int(now.timestamp()),
            "data": self._payment_dict(payment),
        }
        return json.dumps(event, separators=(",", ":")).encode()

    def send_webhook(self, body: bytes) -> int:
        """Sign and record a webhook; deliver it over HTTP in a task when configured."""
        signature = sign(body, int(clock.now().timestamp()), self.secret)
        webhook_id = self.store.record_webhook(body, signature)
        if settings.MASTHEAD_SANDBOX_DELIVER_WEBHOOKS:
            from django.db import transaction

            from masthead.billing.tasks import deliver_sandbox_webhook

            transaction.on_commit(lambda: deliver_sandbox_webhook(webhook_id, self.store.path))
        return webhook_id

    def verify_and_parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[GatewayEvent]:
        header = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER.lower(), "")
        verify_timestamped_signature(self.secret, body, header, tolerance=TOLERANCE_SECONDS,
                                     now=clock.now().timestamp())
        event = json.loads(body)
        data = event["data"]
        kind = EventKind.PAYMENT_SUCCEEDED if event["type"] == "payment.succeeded" else EventKind.PAYMENT_FAILED
        return [
            GatewayEvent(
                event_id=event["id"], kind=kind, raw_type=event["type"],
                subscription_ref=data["subscription_ref"], gateway_ref=data["gateway_ref"],
                payment_ref=data["payment_ref"], amount=data["amount"], currency=data["currency"],
                payment_method=data["payment_method"], payment_method_label=data["payment_method_label"],
                period_start=_parse(data["period_start"]), period_end=_parse(data["period_end"]),
                occurred_at=dt.datetime.fromtimestamp(event["created"], dt.timezone.utc),
                failure_reason=data["failure_reason"], at_checkout=bool(data.get("at_checkout")),
                trial=bool(data.get("trial")),
            )
        ]
