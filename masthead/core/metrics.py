"""Prometheus metrics: what the apps count, and the endpoint a Prometheus server scrapes.

The apps call one function here where the event is already recorded (a metered read, a
paywall shown, a checkout, a payment, a webhook, a renewal run, a cache lookup): one line
each, no Prometheus names outside this module. Business events are also logged as one
line each (masthead.core.logs.event), so the logs and the counters cannot disagree.

Processes. Counters live in the process that counts. ``masthead serve`` runs several
worker processes; it gives them one folder of shared counter files (prometheus_client's
multiprocess mode) so a scrape of any of them reports the server's total. Set
``MASTHEAD_METRICS_DIR`` to one folder for ``masthead serve`` and ``masthead worker`` on a
machine and the endpoint reports the worker's counts too (renewal runs, webhooks
processed); without it, each process reports what it counted itself. Queue depth, task
failures and the up/down of services are read at scrape time from the shared stores, so
they are the same whichever process answers.

The endpoint (``MASTHEAD_METRICS_PATH``, default ``/metrics``; empty turns it off) answers
requests made straight from an allowed address (``MASTHEAD_METRICS_ALLOW``, loopback by
default) or carrying ``Authorization: Bearer <MASTHEAD_METRICS_TOKEN>``. A request that came
through a proxy (it carries X-Forwarded-For, X-Real-IP or Forwarded) is never let in by its
address, so a public proxy in front of a loopback server does not open the endpoint.
"""

from __future__ import annotations

import hmac
import time
import ipaddress
import logging
import os

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from masthead.core import logs


logger = logging.getLogger(__name__)

# --- What is counted ------------------------------------------------------------------

REQUESTS = Counter("masthead_requests", "Requests answered, by view, method and status class.",
                   ["view", "method", "status"])
REQUEST_SECONDS = Histogram(
    "masthead_request_duration_seconds", "Time to answer a request, by view.", ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
METER_DECISIONS = Counter("masthead_meter_decisions", "Meter checks, by result: counted, already_counted, refused.",
                          ["result"])
FUNNEL_EVENTS = Counter("masthead_funnel_events", "Metered reads, paywalls shown (by reason) and logins from the paywall.",
                        ["kind", "reason", "channel"])
CHECKOUTS = Counter("masthead_checkouts_started", "Checkouts started, by gateway and plan.", ["gateway", "plan"])
PAYMENTS = Counter("masthead_payments", "Payments confirmed or failed, by gateway, kind (checkout or renewal) and result.",
                   ["gateway", "kind", "result"])
WEBHOOKS = Counter("masthead_webhooks", "Webhooks received and processed, by gateway and result.", ["gateway", "result"])
RENEWAL_RUNS = Counter("masthead_renewal_runs", "Renewal runs finished.", [])
RENEWALS = Counter("masthead_renewals", "Subscriptions handled by renewal runs, by outcome.", ["outcome"])
TASK_FAILURES = Counter("masthead_task_failures", "Background tasks that raised, by task.", ["task"])
CACHE_LOOKUPS = Counter("masthead_cache_lookups", "Cache lookups, by cache and result (hit or miss).", ["cache", "result"])

UNRESOLVED_VIEW = "-"  # answered before URL resolution (the page cache) or matched no route


def _status_class(status: int) -> str:
    return f"{status // 100}xx"


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    view = view or UNRESOLVED_VIEW
    method = method if method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") else "other"
    REQUESTS.labels(view, method, _status_class(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)


def meter_decision(result) -> None:
    """A meter check made (access.decision.MeterResult)."""
    if result.already_counted:
        outcome = "already_counted"
    elif result.counted_now:
        outcome = "counted"
    else:
        outcome = "refused"
    METER_DECISIONS.labels(outcome).inc()


def funnel_event(kind: str, reason: str, channel: str) -> None:
    """A funnel event (access.funnel.record): metered_read, paywall_shown, login_from_paywall."""
    FUNNEL_EVENTS.labels(kind, reason or "-", channel).inc()


def checkout_started(gateway: str, plan: str) -> None:
    CHECKOUTS.labels(gateway, plan).inc()
    logs.event("checkout_started", gateway=gateway, plan=plan)


def payment(gateway: str, kind: str, succeeded: bool, subscription: str = "") -> None:
    """A payment applied to a subscription (kind: "checkout" or "renewal")."""
    result = "succeeded" if succeeded else "failed"
    PAYMENTS.labels(gateway, kind, result).inc()
    logs.event("payment", gateway=gateway, kind=kind, result=result, subscription=subscription)


def webhook(gateway: str, result: str) -> None:
    """A webhook received (received, duplicate, rejected, unreadable) or processed (succeeded, failed)."""
    WEBHOOKS.labels(gateway, result).inc()
    logs.event("webhook", gateway=gateway, result=result)


def renewal_run(report) -> None:
    """A renewal run finished (billing.renewals.RenewalReport)."""
    RENEWAL_RUNS.inc()
    outcomes = {name: getattr(report, name) for name in ("notices", "renewed", "failed", "ended", "reconciled", "errors")}
    for outcome, count in outcomes.items():
        if count:
            RENEWALS.labels(outcome).inc(count)
    logs.event("renewal_run", **outcomes)


def task_failed(task_name: str) -> None:
    TASK_FAILURES.labels(task_name).inc()
    logs.event("task_failed", task=task_name)


def cache_lookup(cache: str, hit: bool) -> None:
    CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()


# --- Read at scrape time from the shared stores ------------------------------------------


class SharedStateCollector:
    """Queue depth and recorded task failures: the same answer from every process."""

    def collect(self):
        from huey.contrib.djhuey import HUEY

        from masthead.core.models import TaskFailure

        try:
            depth = HUEY.pending_count()
        except Exception as exc:
            logger.warning("metrics: the task queue could not be read: %s", type(exc).__name__)
        else:
            yield GaugeMetricFamily("masthead_task_queue_depth", "Tasks waiting in the queue.", value=depth)
        try:
            failures = TaskFailure.objects.count()
        except Exception as exc:
            logger.warning("metrics: task failures could not be read: %s", type(exc).__name__)
        else:
            yield GaugeMetricFamily("masthead_task_failures_recorded",
                                    "Task failures kept for staff (Masthead › Task failures).", value=failures)


def exposition() -> bytes:
    """Every metric in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    shared = CollectorRegistry()
    shared.register(SharedStateCollector())
    return generate_latest(counted) + generate_latest(shared)


# --- The endpoint ------------------------------------------------------------------------

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def parse_networks(entries: list[str]) -> list:
    """MASTHEAD_METRICS_ALLOW's addresses and networks; a malformed one is a clear error."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"MASTHEAD_METRICS_ALLOW: {entry!r} is not an address or a network") from None
    return networks


def _has_token(request) -> bool:
    expected = settings.MASTHEAD_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").strip().encode(), expected.encode())


def _from_allowed_address(request) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in parse_networks(settings.MASTHEAD_METRICS_ALLOW))


def may_scrape(request) -> bool:
    return _has_token(request) or _from_allowed_address(request)


def metrics_view(request) -> HttpResponse:
    if not may_scrape(request):
        response = HttpResponse("Metrics are not available to this client.\n", status=403, content_type="text/plain")
    else:
        response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class MetricsMiddleware:
    """Answers MASTHEAD_METRICS_PATH early (scrapes are not logged or counted as requests),
    and counts and times every other request by view."""

    def __init__(self, get_response):
        self.get_response = get_response
        parse_networks(settings.MASTHEAD_METRICS_ALLOW)  # a bad setting stops the start, not a scrape

    def __call__(self, request):
        path = settings.MASTHEAD_METRICS_PATH
        if path and request.path_info == path and request.method in ("GET", "HEAD"):
            return metrics_view(request)
        started = time.perf_counter()
        response = self.get_response(request)
        # One timing per request: the request log's (the same figure in the line and the
        # histogram); this middleware's own only if the log middleware did not run.
        seconds = getattr(request, "masthead_seconds", None)
        if seconds is None:
            seconds = time.perf_counter() - started
        observe_request(logs.view_name(request), request.method, response.status_code, seconds)
        return response
