"""The edge of /api/v1/: rate limits (per address and per app token) and CORS.

A middleware, so a refused request costs no routing, no session and no database, and
preflight requests (OPTIONS) are answered before any view. Paths outside /api/v1/ pass
straight through.

- Limits: `MASTHEAD_RATE_API` ("600/m/ip,300/m/key"), counted in fixed windows
  (`core.throttle.window_hit`); over either, 429 with `Retry-After` and a problem body.
- CORS: only origins listed in `MASTHEAD_API_CORS_ORIGINS` get `Access-Control-Allow-Origin`;
  no credentials are allowed (apps send tokens, not cookies), so a page elsewhere can never
  read a reader's answers with their cookies.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse

from masthead.access.network import client_ip
from masthead.api.auth import bearer_token
from masthead.api.v1.conventions import problem
from masthead.core import throttle

PREFIX = "/api/v1/"
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, If-None-Match, X-Session-Token"
EXPOSED_HEADERS = "ETag, Retry-After"
PREFLIGHT_SECONDS = 600


def _allowed_origin(request) -> str | None:
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin in settings.MASTHEAD_API_CORS_ORIGINS:
        return origin
    return None


def _cors(response: HttpResponse, origin: str | None) -> HttpResponse:
    vary = response.get("Vary")
    if "Origin" not in (vary or ""):
        response["Vary"] = f"{vary}, Origin" if vary else "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        origin = _allowed_origin(request)
        if request.method == "OPTIONS" and request.META.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            response = HttpResponse(status=204 if origin else 403)
            if origin:
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            return _cors(response, origin)
        token = bearer_token(request)
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()[:32] if token else None
        wait = throttle.window_hit(request, "api", key=key, ip=client_ip(request))
        if wait is not None:
            response = problem(429, f"Too many requests: try again in {wait} seconds.", kind="rate-limited",
                               headers={"Retry-After": str(wait)})
            return _cors(response, origin)
        return _cors(self.get_response(request), origin)
