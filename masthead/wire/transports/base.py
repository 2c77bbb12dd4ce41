"""Transports: how the bytes arrive. Each hands ingest `Document`s and hears how they went.

A Document is one file or one response, read with a size limit, with a way to fetch the
pictures it refers to from where it came (the folder it sits in, or over HTTP with the same
timeouts and limits) and a `finish` the transport uses to move a file aside.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings


class TransportError(Exception):
    """The source could not be reached or answered with an error (the poll backs off)."""


class TooLarge(Exception):
    """A document or picture is over its size limit."""


@dataclass
class Document:
    """One file or response to ingest."""

    name: str
    data: bytes
    too_large: bool = False  # over MASTHEAD_WIRE_MAX_FILE_MB: read no further, quarantined
    size: int = 0
    fetch: Callable[[str], bytes] | None = None  # a picture href -> its bytes (raises on failure)
    finish: Callable[[str | None], None] = field(default=lambda error: None)  # None: fine; else the error


def max_file_bytes() -> int:
    return settings.MASTHEAD_WIRE_MAX_FILE_MB * 1024 * 1024


def max_picture_bytes() -> int:
    return settings.MASTHEAD_WIRE_MAX_PICTURE_MB * 1024 * 1024


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes = b""


class _NoProxyForLoopback(urllib.request.ProxyHandler):
    """Proxies from the environment, except for loopback addresses (tests, a local relay)."""

    def proxy_open(self, req, proxy, type):
        if req.host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]"):
            return None
        return super().proxy_open(req, proxy, type)


def http_get(url: str, *, headers: dict | None = None, max_bytes: int | None = None,
             timeout: float | None = None) -> Response:
    """GET with a timeout on connecting and on the whole read, and a size limit.

    Raises TransportError when there is no answer in time or no connection; TooLarge past
    `max_bytes`. Any HTTP status is returned (a 304 or 503 is an answer).
    """
    timeout = settings.MASTHEAD_WIRE_FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"not an http(s) address: {url[:200]!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "Masthead-wire/1", **(headers or {})})
    opener = urllib.request.build_opener(_NoProxyForLoopback())
    deadline = time.monotonic() + timeout
    try:
        try:
            answer = opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            status = answer.status if hasattr(answer, "status") else answer.code
            length = answer.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise TooLarge(f"{int(length)} bytes, over the limit of {max_bytes}")
            chunks, read = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TransportError(f"no complete answer from {parts.hostname} within {timeout:g}s")
                chunk = answer.read(65536)
                if not chunk:
                    break
                read += len(chunk)
                if read > max_bytes:
                    raise TooLarge(f"over the limit of {max_bytes} bytes")
                chunks.append(chunk)
            return Response(status, {k.lower(): v for k, v in answer.headers.items()}, b"".join(chunks))
    except (TransportError, TooLarge):
        raise
    except (socket.timeout, TimeoutError):
        raise TransportError(f"no answer from {parts.hostname} within {timeout:g}s") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransportError(f"cannot reach {parts.hostname}: {reason}") from None


def fetch_url(href: str) -> bytes:
    """A picture over HTTP(S), with the fetch timeout and the picture size limit."""
    answer = http_get(href, max_bytes=max_picture_bytes())
    if answer.status != 200:
        raise TransportError(f"HTTP {answer.status} for {href[:200]}")
    return answer.body


def read_limited(path, limit: int) -> tuple[bytes, int, bool]:
    """A file's bytes up to `limit` (data, size on disk, too large?): a huge file is never read whole."""
    size = path.stat().st_size
    if size > limit:
        return b"", size, True
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return data, size, len(data) > limit
