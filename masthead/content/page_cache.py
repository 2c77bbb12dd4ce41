"""Whole-page caching of listing pages for anonymous readers.

An anonymous reader of the home page or a section page sees exactly what every other
anonymous reader sees (ads in place, "Subscribe" and "Log in" links, no messages), so the
rendered page is kept and served again until the content changes or the next scheduled
story falls due (see freshness). A reader with a session cookie, or a pending message,
always gets a fresh rendering: their page may show their account or drop the ads.

Two layers, one rule:

- ``anonymous_page_cache`` wraps a view: it keeps the rendered body and serves it again
  from inside the view layer. It works with no settings at all.
- ``AnonymousPageCacheMiddleware`` (optional, listed in MIDDLEWARE right after
  WhiteNoise) keeps the *finished* response, headers included, of every page the
  decorator marked cacheable, and serves the next anonymous request for it before
  sessions, CSRF, authentication, messages and URL resolution run at all.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from masthead.content import freshness
from masthead.content.rendering import LRU
from masthead.core import clock, metrics

MESSAGES_COOKIE = "messages"
CACHEABLE_PARAMS = {"page"}
MAX_PATH = 190  # keeps cache keys under the 250 characters memcached allows
PUBLIC_MAX_AGE = 60
# Set on a response the decorator found cacheable: when the rendering stops being valid.
UNTIL_ATTRIBUTE = "masthead_cacheable_until"

# Entries are keyed by the content version and carry their own end, so a copy kept in this
# process is as good as the shared one: it saves a 40 KB fetch from Redis on every hit.
_local = LRU(128)
# Paths this process has seen marked cacheable: only those are looked up (see the middleware).
_known_cacheable = LRU(4096)


def _cache_get(key: str):
    if not freshness._cache_is_shared():
        return cache.get(key)  # the cache is in-process already
    entry = _local.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            _local.put(key, entry)
    return entry


def _cache_set(key: str, entry, timeout: int) -> None:
    if freshness._cache_is_shared():
        _local.put(key, entry)
    cache.set(key, entry, timeout)


def forget_local_pages() -> None:
    """Drop this process's copies (tests)."""
    _local.clear()
    _known_cacheable.clear()


def is_anonymous_request(request) -> bool:
    """True when nothing about the request can make its page differ from anyone else's."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and is_anonymous_request(request)
        # Only the page number varies a listing; any other query string (tracking tags,
        # junk) is rendered from the cached data but not kept, so nobody can fill the
        # cache with made-up URLs.
        and set(request.GET) <= CACHEABLE_PARAMS
        and len(request.get_full_path()) <= MAX_PATH
    )


def _public(response, until: dt.datetime, now: dt.datetime):
    # A shared cache (CDN) may keep the page briefly; browsers ask again each time, so a
    # reader who reloads or logs in never looks at a page their own browser kept.
    shared_max_age = max(0, min(PUBLIC_MAX_AGE, int((until - now).total_seconds())))
    patch_cache_control(response, public=True, max_age=0, s_maxage=shared_max_age)
    # The page depends on whether the reader has a session; shared caches must know.
    patch_vary_headers(response, ["Cookie"])
    return response


def _personal(response):
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _timeout(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds()) + 1)


def anonymous_page_cache(view):
    """Serve a cached rendering of ``view`` to anonymous GET requests.

    Anonymous pages are also marked ``public`` with ``s-maxage`` of at most a minute (less
    when a scheduled story is due sooner), so a CDN in front may keep them; browsers get
    ``max-age=0``. Every other reader's page is ``private``. All of them vary on Cookie.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_request(request):
            return _personal(view(request, *args, **kwargs))
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        now = clock.now()
        key = f"content:{freshness.version()}:page:{request.get_full_path()}"
        entry = _cache_get(key)
        metrics.cache_lookup("page", entry is not None and entry[0] > now)
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
            _cache_set(key, (until, response.status_code, response["Content-Type"], response.content),
                       _timeout(until, now))
        setattr(response, UNTIL_ATTRIBUTE, until)
        return _public(response, until, now)

    return wrapper


class AnonymousPageCacheMiddleware:
    """Answer anonymous requests for cached listing pages before the rest of the stack.

    Only responses that ``anonymous_page_cache`` marked (an anonymous request, a 200, no
    cookie set on the way out) are kept, with the headers the inner middleware added.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        now = clock.now()
        key = f"content:{freshness.version()}:response:{request.scheme}:{request.get_full_path()}"
        # Only paths this process has seen marked cacheable are looked up: an article page
        # (never kept here) must not pay a cache miss on every request.
        path = request.path
        entry = _cache_get(key) if _known_cacheable.get(path) else None
        if entry is not None and entry[0] > now:
            metrics.cache_lookup("page", True)  # a miss here is counted by the view's lookup
            until, status, headers, body = entry
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            # Cache-Control is recomputed: max-age counts down to the next scheduled story.
            del response.headers["Cache-Control"]
            return _public(response, until, now)
        response = self.get_response(request)
        until = getattr(response, UNTIL_ATTRIBUTE, None)
        if until is not None and response.status_code == 200 and not response.cookies and not response.streaming:
            _known_cacheable.put(path, True)
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "content-length"]
            _cache_set(key, (until, response.status_code, headers, response.content), _timeout(until, now))
        return response
