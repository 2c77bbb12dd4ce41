"""The webhook inbox: store raw, verify, deduplicate, answer, then process in a task.

Transaction boundary: the raw request is saved in its own statement before anything
else, so a crash or a bug later never loses what the provider sent; processing runs
in a task (after the row commits) and each provider event id is processed once,
enforced by a unique constraint rather than by a check that two deliveries could
both pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.billing.gateways.base import EventKind, GatewayError, GatewayEvent, InvalidSignature, get_gateway
from masthead.billing.models import WebhookEvent
from masthead.core import clock
from masthead.core.db import is_unique_violation

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


@csrf_exempt
@require_POST
def receive(request, gateway: str):
    """POST /billing/webhooks/<gateway>/: 200 once stored and verified, 400 if forged or stale."""
    from django.conf import settings

    if gateway not in settings.MASTHEAD_BILLING_GATEWAYS:
        return HttpResponseNotFound("Unknown gateway")
    body = request.body
    headers = {name.lower(): value for name, value in request.headers.items() if name.lower() in KEPT_HEADERS}
    row = WebhookEvent.objects.create(gateway=gateway, body=body, headers=headers, received_at=clock.now())
    try:
        events = get_gateway(gateway).verify_and_parse_webhook(body, headers)
    except (InvalidSignature, GatewayError, ValueError, KeyError) as exc:
        row.status, row.error = WebhookEvent.Status.REJECTED, str(exc)[:2000]
        row.save(update_fields=["status", "error"])
        return HttpResponseBadRequest("Webhook rejected: " + str(exc))
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
        return JsonResponse({"received": True, "duplicate": True})
    from masthead.billing.tasks import process_webhook

    transaction.on_commit(lambda: process_webhook(row.pk))
    return JsonResponse({"received": True})


def process(row_id: int) -> str:
    """Apply a stored, verified webhook's events; record how it went on the row."""
    from masthead.billing import actions

    with transaction.atomic():
        row = WebhookEvent.objects.select_for_update().get(pk=row_id)
        if row.status in (WebhookEvent.Status.SUCCEEDED, WebhookEvent.Status.REJECTED, WebhookEvent.Status.DUPLICATE):
            return row.status
        row.status, row.attempts = WebhookEvent.Status.PROCESSING, row.attempts + 1
        row.save(update_fields=["status", "attempts"])
    try:
        for data in row.events:
            actions.apply_gateway_event(row.gateway, event_from_json(data))
    except Exception as exc:
        row.status, row.error = WebhookEvent.Status.FAILED, repr(exc)[:2000]
        row.save(update_fields=["status", "error"])
        raise
    row.status, row.error, row.processed_at = WebhookEvent.Status.SUCCEEDED, "", clock.now()
    row.save(update_fields=["status", "error", "processed_at"])
    return row.status


def replay(row_id: int) -> None:
    """Process a stored event again (staff or tests): every step is idempotent."""
    WebhookEvent.objects.filter(pk=row_id).update(status=WebhookEvent.Status.RECEIVED)
    process(row_id)


