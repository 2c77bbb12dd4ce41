"""The webhook inbox: verify, store raw, deduplicate, answer, then process in a task.

Only a body whose signature verifies is kept: anyone can POST to the endpoint, so an
unsigned or forged body is answered 400 and leaves a small `rejected` row (headers and
the reason, never the body), purged after MASTHEAD_BILLING_REJECTED_WEBHOOK_DAYS by the
schedule. A body longer than the gateway's `webhook_max_bytes` is refused with 413
before it is read. Checking a signature is pure computation, so nothing a provider
sent is lost by verifying first: until Masthead answers 2xx, the provider retries.

Transaction boundary: the verified raw request is saved in its own statement before it
is processed, so a crash or a bug later never loses it; processing runs in a task
(after the row commits) and each provider event id is processed once, enforced by a
unique constraint rather than by a check that two deliveries could both pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.billing.gateways.base import EventKind, GatewayError, GatewayEvent, InvalidSignature, get_gateway
from masthead.billing.models import WebhookEvent
from masthead.core import clock, metrics
from masthead.core.db import is_unique_violation

log = logging.getLogger(__name__)

KEPT_HEADERS = ("content-type", "user-agent", "x-razorpay-signature", "x-razorpay-event-id",
                "stripe-signature", "x-sandbox-signature")


def event_to_json(event: GatewayEvent) -> dict:
    data = dataclasses.asdict(event)
    for key, value in data.items():
        if isinstance(value, dt.datetime):
            data[key] = value.isoformat()
    data["kind"] = event.kind.value
    return data


def event_from_json(data: dict) -> GatewayEvent:
    values = dict(data)
    for field in dataclasses.fields(GatewayEvent):
        if field.name in values and values[field.name] and field.name.endswith(("_start", "_end", "_at")):
            values[field.name] = dt.datetime.fromisoformat(values[field.name])
    values["kind"] = EventKind(values["kind"])
    return GatewayEvent(**values)


def _too_large(limit: int) -> HttpResponse:
    return HttpResponse(f"Webhook body larger than {limit} bytes.", status=413, content_type="text/plain")


def _read_body(request, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit` (known from Content-Length, or found
    by reading one byte past the limit, never more)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _reject(gateway: str, headers: dict, reason: str) -> HttpResponse:
    """Record a refused delivery without its body (so a flood of them stays small)."""
    WebhookEvent.objects.create(gateway=gateway, body=b"", headers={k: v[:200] for k, v in headers.items()},
                                status=WebhookEvent.Status.REJECTED, error=reason[:500], received_at=clock.now())
    log.warning("Rejected a %s webhook: %s", gateway, reason)
    metrics.webhook(gateway, "rejected")
    return HttpResponseBadRequest("Webhook rejected: " + reason)


@csrf_exempt
@require_POST
def receive(request, gateway: str):
    """POST /billing/webhooks/<gateway>/: 200 once verified and stored, 400 if forged or stale,
    413 if too large, 404 for a gateway that is not configured."""
    provider = get_gateway(gateway)
    body = _read_body(request, provider.webhook_max_bytes)
    if body is None:
        return _too_large(provider.webhook_max_bytes)
    headers = {name.lower(): value for name, value in request.headers.items() if name.lower() in KEPT_HEADERS}
    try:
        events = provider.verify_and_parse_webhook(body, headers)
    except InvalidSignature as exc:
        return _reject(gateway, headers, str(exc))
    except (GatewayError, ValueError, KeyError, TypeError) as exc:
        # Signed by the provider but not something Masthead can read: keep it for staff.
        WebhookEvent.objects.create(gateway=gateway, body=body, headers=headers, status=WebhookEvent.Status.REJECTED,
                                    error=f"Unreadable event: {exc!r}"[:2000], received_at=clock.now())
        metrics.webhook(gateway, "unreadable")
        return HttpResponseBadRequest("Webhook rejected: the event could not be read.")
    row = WebhookEvent.objects.create(gateway=gateway, body=body, headers=headers, received_at=clock.now())
    event_id = events[0].event_id if events else f"empty-{row.pk}"
    row.event_type = events[0].raw_type[:80] if events else ""
    row.events = [event_to_json(event) for event in events]
    try:
        with transaction.atomic():
            row.event_id = event_id
            row.save(update_fields=["event_id", "event_type", "events"])
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        # At-least-once delivery: the provider sent this event before. Say yes, do nothing.
        row.event_id = None
        row.status, row.error = WebhookEvent.Status.DUPLICATE, f"Already received event {event_id}"
        row.save(update_fields=["status", "error", "event_type", "events"])
        metrics.webhook(gateway, "duplicate")
        return JsonResponse({"received": True, "duplicate": True})
    from masthead.billing.tasks import process_webhook

    transaction.on_commit(lambda: process_webhook(row.pk))
    metrics.webhook(gateway, "received")
    return JsonResponse({"received": True})


def process(row_id: int) -> str:
    """Apply a stored, verified webhook's events; record how it went on the row."""
    from masthead.billing import actions, gifts

    with transaction.atomic():
        row = WebhookEvent.objects.select_for_update().get(pk=row_id)
        if row.status in (WebhookEvent.Status.SUCCEEDED, WebhookEvent.Status.REJECTED, WebhookEvent.Status.DUPLICATE):
            return row.status
        row.status, row.attempts = WebhookEvent.Status.PROCESSING, row.attempts + 1
        row.save(update_fields=["status", "attempts"])
    try:
        for data in row.events:
            event = event_from_json(data)
            # A gift is a one-time payment, not a subscription: its events go to billing.gifts.
            handler = gifts.apply_gateway_event if gifts.owns(event) else actions.apply_gateway_event
            handler(row.gateway, event)
    except Exception as exc:
        row.status, row.error = WebhookEvent.Status.FAILED, repr(exc)[:2000]
        row.save(update_fields=["status", "error"])
        metrics.webhook(row.gateway, "failed")
        raise
    row.status, row.error, row.processed_at = WebhookEvent.Status.SUCCEEDED, "", clock.now()
    row.save(update_fields=["status", "error", "processed_at"])
    metrics.webhook(row.gateway, "succeeded")
    return row.status


def purge_rejected(*, now: dt.datetime | None = None) -> int:
    """Delete refused deliveries (kept without a body) older than MASTHEAD_BILLING_REJECTED_WEBHOOK_DAYS;
    returns how many. A signed event Masthead could not read keeps its body and is never purged."""
    cutoff = (now or clock.now()) - dt.timedelta(days=settings.MASTHEAD_BILLING_REJECTED_WEBHOOK_DAYS)
    deleted, _ = WebhookEvent.objects.filter(status=WebhookEvent.Status.REJECTED, body=b"",
                                             received_at__lt=cutoff).delete()
    return deleted


def replay(row_id: int) -> None:
    """Process a stored event again (staff or tests): every step is idempotent."""
    WebhookEvent.objects.filter(pk=row_id).update(status=WebhookEvent.Status.RECEIVED)
    process(row_id)


