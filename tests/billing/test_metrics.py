"""Checkouts, payments, webhooks and renewal runs reach the counters and the event log."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client import REGISTRY

from masthead.billing import actions
from masthead.billing.gateways.sandbox import DECLINED, SUCCEEDS
from masthead.billing.renewals import renew_due
from masthead.core import logs

URL = "/billing/webhooks/sandbox/"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def events(caplog) -> list[dict]:
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "masthead.events"]


def checkout(reader, plan, sandbox, capture):
    with capture(execute=True):
        sub, start = actions.start_checkout(reader, plan, return_url="http://testserver/r/",
                                            cancel_url="http://testserver/c/", gateway=sandbox)
    return sub, sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1])


def test_a_checkout_and_its_payment_are_counted_by_gateway_and_logged(
        reader, essential, sandbox, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.INFO, logger="masthead.events")
    checkouts = value("masthead_checkouts_started_total", gateway="sandbox", plan="smart-essential")
    paid = value("masthead_payments_total", gateway="sandbox", kind="confirmed", result="succeeded")

    sub, started = checkout(reader, essential, sandbox, django_capture_on_commit_callbacks)
    payment, _ = sandbox.pay(started, SUCCEEDS)
    with django_capture_on_commit_callbacks(execute=True):
        actions.confirm_payment("sandbox", payment)
        actions.confirm_payment("sandbox", payment)  # the return and the webhook both bring it

    assert value("masthead_checkouts_started_total", gateway="sandbox", plan="smart-essential") == checkouts + 1
    assert value("masthead_payments_total", gateway="sandbox", kind="confirmed", result="succeeded") == paid + 1
    lines = events(caplog)
    assert [(line["event"], line["gateway"]) for line in lines] == [("checkout_started", "sandbox"), ("payment", "sandbox")]
    assert lines[1]["result"] == "succeeded" and lines[1]["subscription"] == sub.reference


def test_a_declined_payment_is_counted_as_failed(reader, essential, subscribe):
    failed = value("masthead_payments_total", gateway="sandbox", kind="confirmed", result="failed")

    subscribe(reader, essential, card=DECLINED)

    assert value("masthead_payments_total", gateway="sandbox", kind="confirmed", result="failed") == failed + 1


def test_a_checkout_rolled_back_is_not_counted(reader, essential, sandbox, django_capture_on_commit_callbacks):
    checkouts = value("masthead_checkouts_started_total", gateway="sandbox", plan="smart-essential")
    essential.is_active = False

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(actions.BillingError):
        actions.start_checkout(reader, essential, return_url="http://testserver/r/", cancel_url="http://testserver/c/",
                               gateway=sandbox)

    assert value("masthead_checkouts_started_total", gateway="sandbox", plan="smart-essential") == checkouts


def test_webhooks_are_counted_by_result(client, reader, essential, sandbox, django_capture_on_commit_callbacks):
    def count(result):
        return value("masthead_webhooks_total", gateway="sandbox", result=result)

    before = {result: count(result) for result in ("received", "duplicate", "rejected", "succeeded")}
    _, start = actions.start_checkout(reader, essential, return_url="http://testserver/r/",
                                      cancel_url="http://testserver/c/", gateway=sandbox)
    sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
    _, body, signature = sandbox.store.webhooks()[-1]

    for sent in (body, body, body.replace(b'"amount":270000', b'"amount":100')):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(URL, sent, content_type="application/json", headers={"X-Sandbox-Signature": signature})

    assert {result: count(result) - before[result] for result in before} == {
        "received": 1, "duplicate": 1, "rejected": 1, "succeeded": 1,
    }


def test_a_renewal_run_is_counted_and_logged(db, caplog):
    caplog.set_level(logging.INFO, logger="masthead.events")
    runs = value("masthead_renewal_runs_total")

    renew_due()

    assert value("masthead_renewal_runs_total") == runs + 1
    [line] = events(caplog)
    assert line["event"] == "renewal_run"
    assert (line["renewed"], line["failed"], line["errors"]) == (0, 0, 0)
