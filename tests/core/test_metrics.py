"""The metrics endpoint: Prometheus text, configurable path, let in by address or token only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from prometheus_client import REGISTRY

from masthead.core import metrics
from masthead.core.management.commands.serve import prepare_metrics_dir
from masthead.core.models import TaskFailure
from masthead.core.tasks import record_failure

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_loopback_scrapes_prometheus_text_never_cached():
    response = Client().get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "# TYPE masthead_requests_total counter" in text
    assert "# TYPE masthead_request_duration_seconds histogram" in text
    assert "masthead_task_queue_depth 0.0" in text
    assert "masthead_task_failures_recorded 0.0" in text


def test_another_address_is_refused_and_learns_nothing():
    response = Client(REMOTE_ADDR=OUTSIDE).get("/metrics")

    assert response.status_code == 403
    assert b"masthead_" not in response.content


@override_settings(MASTHEAD_METRICS_TOKEN="scrape-secret-7")
def test_the_bearer_token_lets_in_from_anywhere_and_a_wrong_one_does_not():
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-7").status_code == 200
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-8").status_code == 403
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="scrape-secret-7").status_code == 403
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_no_token_configured_means_a_bearer_header_opens_nothing():
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED"])
def test_a_request_through_a_proxy_is_not_let_in_by_the_proxys_loopback_address(header):
    response = Client(**{header: OUTSIDE}).get("/metrics")

    assert response.status_code == 403


@override_settings(MASTHEAD_METRICS_ALLOW=["10.1.0.0/16", "192.0.2.4"])
def test_configured_networks_are_let_in_and_loopback_is_no_longer():
    assert Client(REMOTE_ADDR="10.1.200.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 403
    assert Client().get("/metrics").status_code == 403


def test_a_malformed_allow_list_is_a_clear_error():
    with pytest.raises(ValueError, match="MASTHEAD_METRICS_ALLOW: '10.0.0.300' is not an address or a network"):
        metrics.parse_networks(["127.0.0.1", "10.0.0.300"])


@override_settings(MASTHEAD_METRICS_PATH="/ops/prometheus")
def test_the_path_is_configurable():
    assert Client().get("/ops/prometheus").status_code == 200
    assert Client().get("/metrics").status_code == 404


@override_settings(MASTHEAD_METRICS_PATH="")
def test_an_empty_path_turns_the_endpoint_off():
    assert Client().get("/metrics").status_code == 404


def test_requests_are_counted_and_timed_by_view():
    before = value("masthead_requests_total", view="account_login", method="GET", status="2xx")
    timed = value("masthead_request_duration_seconds_count", view="account_login")

    Client().get("/accounts/login/")
    Client().get("/accounts/login/")

    assert value("masthead_requests_total", view="account_login", method="GET", status="2xx") == before + 2
    assert value("masthead_request_duration_seconds_count", view="account_login") == timed + 2


def test_unrouted_requests_share_one_label_and_scrapes_are_not_counted():
    before = value("masthead_requests_total", view="-", method="GET", status="4xx")
    scrapes = value("masthead_requests_total", view="-", method="GET", status="2xx")

    Client().get("/no-such-page/at/all/")
    Client().get("/metrics")

    assert value("masthead_requests_total", view="-", method="GET", status="4xx") == before + 1
    assert value("masthead_requests_total", view="-", method="GET", status="2xx") == scrapes


def test_task_failures_are_counted_and_read_from_the_database():
    class Task:
        id, name, args, kwargs, retries = "t-1", "billing.renew_due_task", (), {}, 0

    before = value("masthead_task_failures_total", task="billing.renew_due_task")
    record_failure(None, Task(), RuntimeError("gateway down"))

    assert value("masthead_task_failures_total", task="billing.renewal_task") == 0.0
    assert value("masthead_task_failures_total", task="billing.renew_due_task") == before + 1
    assert TaskFailure.objects.count() == 1
    assert "masthead_task_failures_recorded 1.0" in Client().get("/metrics").content.decode()


def test_cache_lookups_are_counted_by_result():
    hits = value("masthead_cache_lookups_total", cache="page", result="hit")
    misses = value("masthead_cache_lookups_total", cache="page", result="miss")

    metrics.cache_lookup("page", True)
    metrics.cache_lookup("page", False)
    metrics.cache_lookup("page", False)

    assert value("masthead_cache_lookups_total", cache="page", result="hit") == hits + 1
    assert value("masthead_cache_lookups_total", cache="page", result="miss") == misses + 2


COUNT_ONE_CHECKOUT = """
import django
django.setup()
from masthead.core import metrics
metrics.checkout_started("sandbox", "smart-quarterly")
"""

SCRAPE = """
import django
django.setup()
from masthead.core import metrics
print(metrics.exposition().decode())
"""


def _run(code: str, environment: dict) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_processes_sharing_a_metrics_dir_are_reported_together(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings", "MASTHEAD_DATA_DIR": str(tmp_path),
                   "MASTHEAD_METRICS_DIR": str(tmp_path / "metrics"), "MASTHEAD_LOG_LEVEL": "ERROR",
                   "MASTHEAD_REQUEST_LOG_LEVEL": "ERROR"}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)

    _run(COUNT_ONE_CHECKOUT, environment)
    _run(COUNT_ONE_CHECKOUT, environment)
    text = _run(SCRAPE, environment)

    assert 'masthead_checkouts_started_total{gateway="sandbox",plan="smart-quarterly"} 2.0' in text


def test_serve_gives_several_workers_an_emptied_folder_and_one_worker_none(tmp_path, settings):
    settings.DATA_DIR, settings.MASTHEAD_METRICS_DIR = tmp_path, ""
    stale = tmp_path / "metrics" / "serve-8001" / "counter_123.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    assert prepare_metrics_dir(8001, 1) == ""
    assert prepare_metrics_dir(8001, 2) == str(tmp_path / "metrics" / "serve-8001")
    assert not stale.exists()
    settings.MASTHEAD_METRICS_DIR = "/srv/masthead/metrics"
    assert prepare_metrics_dir(8001, 2) == "/srv/masthead/metrics"


def test_the_histogram_and_the_log_line_report_one_timing(monkeypatch):
    seen = []
    monkeypatch.setattr(metrics, "observe_request", lambda view, method, status, seconds: seen.append(seconds))
    request = RequestFactory().get("/")

    def handler(req):
        req.masthead_seconds = 0.125  # what the request log middleware measured
        return HttpResponse("ok")

    metrics.MetricsMiddleware(handler)(request)
    assert seen == [0.125]
