"""Request and event log lines: one per request, with its id, masked, JSON or text."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from masthead import config
from masthead.core import logs
from tests.accounts.factories import ReaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(caplog):
    """The request and event lines logged, formatted as MASTHEAD_LOG_FORMAT=json writes them."""
    caplog.set_level(logging.INFO, logger="masthead")
    formatter = logs.JsonFormatter()

    def read(logger: str = "masthead.request") -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]

    return read


def test_one_json_line_per_request_with_the_callers_request_id(lines):
    response = Client().get("/healthzz", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = lines()
    assert line["request_id"] == "lb-7f3a.42"
    assert (line["method"], line["path"], line["status"], line["level"]) == ("GET", "/healthzz", 404, "INFO")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["logger"] == "masthead.request"
    assert line["time"].endswith("Z")


@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "semi;colon", "new\nline", "ü-nicode"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(lines, given):
    response = Client().get("/healthzz", HTTP_X_REQUEST_ID=given)

    [line] = lines()
    assert response["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32 and line["request_id"] != given


def test_the_view_name_is_logged(lines):
    Client().get("/accounts/login/")

    [line] = lines()
    assert line["view"] == "account_login"
    assert line["status"] == 200


def test_query_secrets_and_addresses_are_masked(lines):
    Client().get("/accounts/login/?next=/news/&token=abc123&email=reader@example.com&card=4111111111111111")

    [line] = lines()
    assert line["path"] == "/accounts/login/"
    assert line["query"] == "next=%2Fnews%2F&token=***&email=r***@example.com&card=***"
    text = json.dumps(line)
    assert "abc123" not in text and "reader@example.com" not in text and "4111" not in text


def test_secret_url_parts_are_masked_in_the_path(lines):
    Client().get("/accounts/password/reset/key/1f-set-password-secret-9c2e/")

    [line] = lines()
    assert line["path"] == "/accounts/password/reset/key/1f-***/"
    assert "secret-9c2e" not in json.dumps(line)


def test_cookies_are_never_logged(lines):
    client = Client()
    client.cookies["sessionid"] = "session-value-not-for-logs"

    client.get("/healthzz")

    assert "session-value-not-for-logs" not in json.dumps(lines())


def test_a_signed_in_reader_is_logged_by_id_only(lines):
    reader = ReaderFactory(email="asha.rao@example.com")
    client = Client()
    client.force_login(reader)

    client.get("/accounts/email/")

    [line] = lines()
    assert line["user_id"] == reader.pk
    assert "asha.rao" not in json.dumps(line)


def test_a_business_event_carries_the_request_id_and_masks_its_fields(lines):
    def view_with_event(get_response):
        def middleware(request):
            logs.event("payment_captured", gateway="sandbox", amount=90000, email="asha.rao@example.com",
                       note="card 4111 1111 1111 1111 used", payment_token="tok_live_123")
            return get_response(request)
        return middleware

    inner = logs.RequestLogMiddleware(view_with_event(lambda request: HttpResponse("ok")))
    inner(RequestFactory().get("/x", HTTP_X_REQUEST_ID="rid-1"))

    [event] = lines("masthead.events")
    assert event["event"] == "payment_captured"
    assert event["message"] == "payment_captured"
    assert event["request_id"] == "rid-1"
    assert (event["gateway"], event["amount"]) == ("sandbox", 90000)
    assert event["email"] == "a***@example.com"
    assert event["note"] == "card ****1111 used"
    assert event["payment_token"] == "***"


def test_addresses_in_free_text_keep_only_the_first_letter_and_domain():
    assert logs.mask_text("sent to asha.rao+news@example.co.in today") == "sent to a***@example.co.in today"
    assert logs.mask_text("order 1234 for ₹900") == "order 1234 for ₹900"
    assert logs.mask_value("reader", {"contact": "b@x.org", "otp": "123456"}) == {"contact": "b***@x.org", "otp": "***"}


def test_a_5xx_is_logged_as_an_error(lines):
    inner = logs.RequestLogMiddleware(lambda request: HttpResponse(status=502))
    inner(RequestFactory().get("/broken"))

    [line] = lines()
    assert (line["level"], line["status"]) == ("ERROR", 502)


def test_readable_lines_by_default():
    record = logging.LogRecord("masthead.request", logging.INFO, __file__, 1, "GET %s 200", ("/news/",), None)
    record.fields = {"request_id": "rid-9", "status": 200, "view": "content:section"}
    record.created = 1796083200.0  # 2026-12-01 00:00:00 UTC

    line = logs.TextFormatter().format(record)

    assert line == "2026-12-01T00:00:00.000Z INFO masthead.request GET /news/ 200 request_id=rid-9 status=200 view=content:section"


def test_the_log_format_setting_is_checked(monkeypatch):
    monkeypatch.setenv("MASTHEAD_LOG_FORMAT", " JSON ")
    assert config.env_choice("LOG_FORMAT", "text", ("text", "json")) == "json"
    monkeypatch.setenv("MASTHEAD_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="MASTHEAD_LOG_FORMAT must be one of text, json, got 'xml'"):
        config.env_choice("LOG_FORMAT", "text", ("text", "json"))


def test_error_reports_leave_out_cookies_bodies_headers_and_the_user():
    event = {
        "request": {
            "url": "http://127.0.0.1/accounts/?email=asha@example.com",
            "query_string": "token=abc&page=2",
            "cookies": {"sessionid": "s"},
            "data": {"card": "4111111111111111"},
            "headers": {"Cookie": "sessionid=s", "Authorization": "Bearer t", "X-Request-ID": "rid-3"},
        },
        "user": {"email": "asha@example.com"},
    }

    scrubbed = logs._scrub_event(event)

    assert scrubbed["request"] == {
        "url": "http://127.0.0.1/accounts/?email=a***@example.com",
        "query_string": "token=***&page=2",
        "headers": {"X-Request-ID": "rid-3"},
    }
    assert "user" not in scrubbed


def test_error_reporting_starts_only_with_a_dsn():
    sentry_sdk = pytest.importorskip("sentry_sdk")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not sentry_sdk.get_client().is_active()  # no DSN in the suite's settings

    logs.start_error_reporting(f"http://public@127.0.0.1:{port}/1", "test")
    try:
        client = sentry_sdk.get_client()
        assert client.is_active()
        assert not client.options.get("send_default_pii")
        assert client.options["before_send"] is logs._scrub_event
    finally:
        sentry_sdk.get_client().close(timeout=0)
        sentry_sdk.init()


def test_generated_request_ids_are_distinct_and_well_formed():
    from masthead.core.logs import _REQUEST_ID_SHAPE, _new_request_id

    ids = [_new_request_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(len(i) == 32 and _REQUEST_ID_SHAPE.fullmatch(i) for i in ids)
