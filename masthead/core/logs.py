"""Request and business-event logs: one line each, JSON when MASTHEAD_LOG_FORMAT=json.

Every request gets an id: the caller's ``X-Request-ID`` when it is a plain token (a proxy or
the balancer set it), else a new one; it is echoed in the response's ``X-Request-ID`` and
carried on every line logged while the request runs, business events included, so one
reader's journey can be followed across app servers.

What is logged is masked here, once, for every line: values under names that carry
secrets (tokens, keys, codes, passwords, signatures, cookies, card fields) become ``***``;
e-mail addresses keep their first letter and their domain (``r***@example.com``); a run of
12 to 19 digits (a card number) keeps its last four. Cookies, request bodies and headers
other than the request id are never logged.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import atexit
import itertools
import json
import logging
import logging.handlers
import os
import queue
import re
import sys
import threading
import time
import uuid
from urllib.parse import parse_qsl, urlencode

from django.utils.functional import empty

request_logger = logging.getLogger("masthead.request")
event_logger = logging.getLogger("masthead.events")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("masthead_request_id", default="")

MASK = "***"
# A field or query parameter whose name contains one of these is never logged as it is.
SECRET_NAMES = (
    "token", "key", "secret", "password", "passwd", "code", "sig", "auth", "session", "cookie",
    "csrf", "card", "cvv", "cvc", "otp", "pin", "vpa", "upi",
)
_EMAIL = re.compile(r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){8,15}(\d{4})(?!\d)")
_DIGITS = re.compile(r"\d\d\d\d")  # no card number without four digits in a row


def request_id() -> str:
    """The id of the request being served in this thread ("" outside a request)."""
    return _request_id.get()


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_NAMES)


def mask_text(text: str) -> str:
    """Text with e-mail addresses and card-like numbers masked."""
    # Most lines hold neither: the cheap tests keep the regular expressions (the e-mail one
    # rescans every word) off a request line's path.
    if "@" in text:
        text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    if _DIGITS.search(text):
        text = _CARD.sub(lambda m: f"****{m.group(1)}", text)
    return text


def mask_value(name: str, value):
    if is_secret_name(name):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(str(key), item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(name, item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return mask_text(str(value))


def mask_fields(fields: dict) -> dict:
    return {name: mask_value(name, value) for name, value in fields.items()}


def mask_query(query: str) -> str:
    """A query string with secret parameters' values replaced and addresses masked."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, mask_value(name, value)) for name, value in pairs], safe="*@")


def mask_path(path: str, url_kwargs: dict | None = None) -> str:
    """The path with secret URL parts (reset keys, confirmation keys, tokens) replaced."""
    for name, value in (url_kwargs or {}).items():
        text = str(value)
        if text and is_secret_name(name) and text in path:
            path = path.replace(text, MASK)
    return mask_text(path)


def event(name: str, **fields) -> None:
    """Log one business event (a payment captured, a webhook processed...), masked."""
    fields = {"event": name, **mask_fields(fields)}
    if request_id():
        fields["request_id"] = request_id()
    event_logger.info(name, extra={"fields": fields})


# --- Formatters ------------------------------------------------------------------------


def _timestamp(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict:
    fields = dict(getattr(record, "fields", None) or {})
    if "request_id" not in fields and request_id():
        fields["request_id"] = request_id()
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        line.update(_fields(record))
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A line a person reads: time, level, logger, message, then name=value fields."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        fields.pop("event", None)
        extra = " ".join(f"{name}={value}" for name, value in fields.items())
        line = f"{_timestamp(record)} {record.levelname} {record.name} {mask_text(record.getMessage())}"
        if extra:
            line = f"{line} {extra}"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


# --- The request line --------------------------------------------------------------------


class BackgroundStreamHandler(logging.handlers.QueueHandler):
    """Writes lines to standard error from one thread of its own; the thread that logs only
    formats the line and puts it on a queue.

    With a plain StreamHandler the server's request threads queue for the stream's lock on
    every request line: under load that wait was half of a cached page's time (py-spy on
    `masthead serve`, bench/profile.py --scenario free). The writing thread is started in
    each process on its first line (granian's workers are started after the settings are
    read) and drains the queue when the process exits.
    """

    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self._stream = stream
        self._pid: int | None = None
        self._starting = threading.Lock()
        self._listener: logging.handlers.QueueListener | None = None

    def enqueue(self, record: logging.LogRecord) -> None:
        if self._pid != os.getpid():
            self._start()
        self.queue.put_nowait(record)

    def _start(self) -> None:
        with self._starting:
            if self._pid == os.getpid():
                return
            # A forked child inherits the parent's queue object but not its thread.
            self.queue = queue.SimpleQueue()
            target = logging.StreamHandler(self._stream or sys.stderr)
            target.setFormatter(logging.Formatter("%(message)s"))  # formatted already, by prepare()
            self._listener = logging.handlers.QueueListener(self.queue, target)
            self._listener.start()
            self._pid = os.getpid()
            atexit.register(self.flush_and_stop)

    def flush_and_stop(self) -> None:
        """Write what is queued and stop the writing thread (at exit)."""
        listener, self._listener = self._listener, None
        if listener is not None and self._pid == os.getpid():
            listener.stop()
        self._pid = None


class _RequestIds:
    """Request ids unique across processes without a system call each: a random prefix per
    process (drawn again after a fork) and a counter. uuid4() per request read the kernel's
    random source on every request, which profiled as a quarter of a cached page's time."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str:
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._prefix, self._counter = uuid.uuid4().hex[:16], itertools.count(1)
                    self._pid = os.getpid()
        return f"{self._prefix}{next(self._counter):016x}"


_new_request_id = _RequestIds()


def _incoming_id(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _REQUEST_ID_SHAPE.fullmatch(given) else _new_request_id()


def _loaded_user(request):
    """The request's user if something already loaded it (logging never costs a query)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is None or wrapped is empty else wrapped


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return match.view_name or match._func_path


class RequestLogMiddleware:
    """Gives the request its id and logs one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = _incoming_id(request)
        request.request_id = rid
        token = _request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = rid
            duration = time.perf_counter() - started
            # The metrics middleware (outside this one) reports the same timing.
            request.masthead_seconds = duration
            self._log(request, response, duration)
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def _log(request, response, duration: float) -> None:
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        if not request_logger.isEnabledFor(level):
            return  # MASTHEAD_REQUEST_LOG_LEVEL turns the line off: build nothing
        match = getattr(request, "resolver_match", None)
        path = mask_path(request.path, match.kwargs if match else None)
        fields = {
            "request_id": request.request_id,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 2),
            "view": view_name(request),
        }
        query = mask_query(request.META.get("QUERY_STRING", ""))
        if query:
            fields["query"] = query
        user = _loaded_user(request)
        if user is not None and user.is_authenticated:
            fields["user_id"] = user.pk
        request_logger.log(
            level, "%s %s %s %.1fms", request.method, path, response.status_code, duration * 1000,
            extra={"fields": fields},
        )


# --- Error reporting -----------------------------------------------------------------------


def _scrub_event(event: dict, hint=None) -> dict:
    """Sentry's event without cookies, bodies or headers but the request id; text masked."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() == REQUEST_ID_HEADER.lower()}
        if request.get("query_string"):
            request["query_string"] = mask_query(str(request["query_string"]))
        if request.get("url"):
            request["url"] = mask_text(str(request["url"]))
    event.pop("user", None)
    if request_id():
        event.setdefault("tags", {})["request_id"] = request_id()
    return event


def start_error_reporting(dsn: str, environment: str = "production") -> None:
    """Send unhandled errors to Sentry (only called when MASTHEAD_SENTRY_DSN is set).

    Personal data stays off (the SDK's default) and every event is scrubbed before it leaves.

    The SDK is imported here and nowhere else: it is an optional extra
    (``pip install masthead[sentry]``), not a dependency.
    """
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        raise RuntimeError("MASTHEAD_SENTRY_DSN is set but sentry-sdk is not installed: pip install 'masthead[sentry]'") from exc
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        before_send=_scrub_event,
        traces_sample_rate=0.0,
    )
