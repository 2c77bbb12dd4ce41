"""Whole-page caching of listing pages for anonymous readers.

An anonymous reader of the home page or a section page sees exactly what every other
anonymous reader sees (ads in place, "Subscribe" and "Log in" links, no messages), so the
rendered page is kept and served again until the content changes or the next scheduled
story falls due (see freshness). A reader with a session cookie, or a pending message,
always gets a fresh rendering: their page may show their account or drop the ads.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from masthead.content import freshness
from masthead.core import clock

MESSAGES_COOKIE = "messages"
CACHEABLE_PARAMS = {"page"}
PUBLIC_MAX_AGE = 60


def is_anonymous_request(request) -> bool:
    """True when nothing about the request can make its page differ from anyone else's."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def anonymous_page_cache(view):
    """Serve a cached rendering of ``view`` to anonymous GET requests.

    Anonymous pages are also marked ``public`` for at most a minute (less when a
    scheduled story is due sooner), so a CDN in front may keep them; every other reader's
    page is ``private``. All of them vary on Cookie.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_request(request):
            return _personal(view(request, *args, **kwargs))
        if (
            request.method not in ("GET", "HEAD")
            # Only the page number varies a listing; any other query string (tracking
            # tags, junk) is rendered from the cached data but not kept, so nobody can
            # fill the cache with made-up URLs.
            or not set(request.GET) <= CACHEABLE_PARAMS
            or len(request.get_full_path()) > 300
        ):
            return view(request, *args, **kwargs)
        now = clock.now()
        key = f"content:{freshness.version()}:page:{request.get_full_path()}"
        entry = cache.get(key)
        if entry is not None and entry[0] > now:
            until, status, content_type, body = entry
            response = HttpResponse(body, status=status, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            until = freshness.valid_until(now)
            timeout = max(1, int((until - now).total_seconds()) + 1)
            cache.set(key, (until, response.status_code, response["Content-Type"], response.content), timeout)
        max_age = max(0, min(PUBLIC_MAX_AGE, int((until - now).total_seconds())))
        patch_cache_control(response, public=True, max_age=max_age)
        # The page depends on whether the reader has a session; shared caches must know.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _personal(response):
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response
