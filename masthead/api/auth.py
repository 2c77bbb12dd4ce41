"""Who is calling the API: the session user, the meter cookie, or (apps) a bearer token.

The bearer hook: settings.MASTHEAD_API_TOKEN_USER names a function
``(request, token) -> user | None`` (the accounts app's token check). Until it is set,
a bearer token is ignored and the caller is treated like any other anonymous client.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from masthead.access import reader as readers
from masthead.access.decision import ReaderFacts


def bearer_token(request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def api_reader(request, rules) -> readers.Reader:
    """The reader for an API request (cached on the request like a page's)."""
    token = bearer_token(request)
    path = getattr(settings, "MASTHEAD_API_TOKEN_USER", "")
    if token and path:
        user = import_string(path)(request, token)
        if user is not None and user.is_authenticated:
            reader = readers.Reader(ReaderFacts(f"u:{user.pk}", is_authenticated=True), user=user,
                                    ip=readers.client_ip(request))
            request._masthead_reader = reader
            return reader
    return readers.for_request(request, rules)
