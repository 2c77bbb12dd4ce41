"""What the reader of this request holds, computed once per request."""

from __future__ import annotations

from masthead.access.entitlements import for_reader
from masthead.accounts.network import client_ip

REQUEST_ATTRIBUTE = "_masthead_benefits"


def request_benefits(request) -> frozenset:
    """for_reader() for the request's user and IP, memoised on the request.

    Never stale by more than the request itself: nothing is kept between requests.
    """
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if found is None:
        found = for_reader(getattr(request, "user", None), ip=client_ip(request))
        setattr(request, REQUEST_ATTRIBUTE, found)
    return found
