"""How every /api/v1/ response is shaped: JSON with an ETag, cache headers, problems, cursors.

- Success bodies are the declared schema dumped to JSON here (`respond`), with a strong
  ETag of the bytes; a request whose `If-None-Match` names it gets 304 and no body.
- Anything that depends on who asks (`private=True`) says `Cache-Control: private` and
  `Vary: Authorization, Cookie`; the rest is public for a minute.
- Errors are RFC 9457 problem details (`application/problem+json`): type, title, status,
  detail; validation problems add `errors`.
- Lists page with an opaque cursor (`next_cursor`), never a page number: a story published
  while an app scrolls does not shift the next page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Schema

PROBLEM_TYPE = "application/problem+json"
PUBLIC_SECONDS = 60
# Reader-specific answers vary by both ways a reader is known: the app token and the
# browser's session or meter cookie.
READER_VARY = ("Authorization", "Cookie")


class Problem(Schema):
    """An RFC 9457 problem: `type` is a stable URI reference apps may switch on."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict] | None = None
    subscribe_url: str | None = None  # where a reader refused for want of a plan buys one


TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "The request is not valid",
    429: "Too many requests",
    500: "Server error",
}


def problem(status: int, detail: str = "", *, kind: str = "", errors: list | None = None,
            headers: dict | None = None, subscribe_url: str | None = None) -> HttpResponse:
    """A problem-details response. `kind` names the problem (`/api/v1/problems/<kind>`)."""
    body = {
        "type": f"/api/v1/problems/{kind or status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    if subscribe_url is not None:
        body["subscribe_url"] = subscribe_url
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _json_default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def encode(data) -> tuple[bytes, str]:
    """`data` (a Schema or plain JSON values) as JSON bytes, and their strong ETag."""
    if isinstance(data, Schema):
        data = data.model_dump(mode="json")
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode("utf-8")
    return content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def respond(request, data, *, private: bool, status: int = 200, no_store: bool = False,
            encoded: tuple[bytes, str] | None = None) -> HttpResponse:
    """`data` as JSON (or the `encoded` bytes and ETag of it), with its ETag and cache headers.

    A matching `If-None-Match` gets 304 with the same ETag and headers but no body.
    """
    content, etag = encoded or encode(data)
    if status == 200 and _matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
        response = HttpResponse(status=304)
        del response["Content-Type"]
    else:
        response = HttpResponse(content, status=status, content_type="application/json")
    response["ETag"] = etag
    if private:
        response["Cache-Control"] = "private, no-store" if no_store else "private, no-cache"
        patch_vary_headers(response, READER_VARY)
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_SECONDS}"
    return response


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    return etag in (tag.strip().removeprefix("W/") for tag in header.split(","))


# --- cursors ----------------------------------------------------------------------------------

class BadCursor(ValueError):
    """A cursor this API did not hand out (or one from another list)."""


def encode_cursor(*parts) -> str:
    """An opaque cursor: the position after the last item shown (url-safe base64 JSON)."""
    raw = json.dumps([p.isoformat() if isinstance(p, dt.datetime) else p for p in parts], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    """The parts of a cursor made by encode_cursor(), or BadCursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("The cursor is not one this API gave out.") from exc
    if not isinstance(parts, list) or len(parts) != size:
        raise BadCursor("The cursor is not one this API gave out.")
    return parts


def answers(schema, *codes: int, etag: bool = True) -> dict:
    """The responses an operation declares: `schema` on 200, 304 when it has an ETag, and a
    problem for each of `codes` plus 422 (bad input) and 429 (rate limit), which any can give."""
    declared = {200: schema}
    if etag:
        declared[304] = None
    for code in (*codes, 422, 429):
        declared[code] = Problem
    return declared
