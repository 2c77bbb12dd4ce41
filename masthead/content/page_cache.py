"""Whole-page caching of listing pages for anonymous readers: one layer, a middleware.

An anonymous reader of the home page or a section page sees what every other anonymous
reader at the same address of the site sees (ads in place, "Subscribe" and "Log in"
links, no messages), so the finished response is kept in the versioned cache under the
content version and served again until the content changes or the next scheduled story
falls due (see freshness). A reader with a session cookie, or a pending message, always
gets a fresh rendering: their page may show their account or drop the ads.

- ``anonymous_page_cache`` marks a view whose anonymous pages may be kept, and gives its
  responses their Cache-Control; it keeps nothing itself. A view whose page is the same
  for every anonymous reader only sometimes (the article page, for a free story) calls
  ``keep_for_anonymous_readers()`` on that response instead; such pages are kept in each
  process only, so the other pages at those paths cost no shared cache lookup.
- ``AnonymousPageCacheMiddleware`` (listed right after WhiteNoise) checks the Host header
  first, then answers a request for a marked view from the cache before sessions, CSRF,
  authentication and messages run; on a miss it keeps the finished response.

A page is keyed by scheme, host and full path (sitemaps and feeds carry absolute URLs)
and by whatever else may vary an anonymous page in this deployment: a higher app
registers that with ``vary_pages_by()`` from its AppConfig.ready() (accounts: the
benefits an organisation grants by IP address, such as ad-free reading). When anything
can vary it, the page is not offered to shared caches (a CDN keys by URL only). A higher
app whose cached data pages show (accounts: ad slots) names its namespace with
``pages_depend_on()``, and its bumps retire the pages too.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_cache_control, patch_vary_headers

from masthead.content import freshness
from masthead.core import cache, clock, metrics

MESSAGES_COOKIE = "messages"
CACHEABLE_PARAMS = {"page", "p"}  # a listing's page; a sitemap file's number
MAX_PATH = 190  # keeps cache keys short
PUBLIC_MAX_AGE = 60
MARK = "masthead_anonymous_page"  # set on a view whose anonymous pages may be kept
# Set on a response the view found cacheable: when the rendering stops being valid, and
# whether it is a listing (Cache-Control recomputed when served) kept in the shared cache too.
UNTIL_ATTRIBUTE = "masthead_cacheable_until"
LISTING_ATTRIBUTE = "masthead_cacheable_listing"

# Functions (request) -> str | None: what varies an anonymous page beyond its URL, or
# None when nothing of that kind can vary any page in this deployment.
_variants: list[Callable[[object], str | None]] = []
# Namespaces besides content whose bump retires every cached page (ad slots render on them).
_namespaces: list[str] = []


def vary_pages_by(variant: Callable[[object], str | None]) -> None:
    """Register what else varies an anonymous page (call from AppConfig.ready())."""
    if variant not in _variants:
        _variants.append(variant)


def pages_depend_on(namespace: str) -> None:
    """Pages show data cached under `namespace` too: its bump retires them (AppConfig.ready())."""
    if namespace not in _namespaces:
        _namespaces.append(namespace)


def page_variant(request) -> str | None:
    """What beyond scheme, host and URL names this request's anonymous page (None: nothing)."""
    found = [variant(request) for variant in _variants]
    if all(part is None for part in found):
        return None
    return ";".join(part or "" for part in found)


def shared_caches_may_keep(request) -> bool:
    """True when a proxy keying by URL alone may keep this anonymous page for others."""
    return page_variant(request) is None


def is_anonymous_request(request) -> bool:
    """True when nothing about the request's cookies can make its page differ from anyone else's."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        # Uploads are files with their own caching headers, never pages.
        and not request.path_info.startswith(settings.MEDIA_URL)
        and is_anonymous_request(request)
        # Only the page number varies a listing; any other query string (tracking tags,
        # junk) is rendered from the cached data but not kept, so nobody can fill the
        # cache with made-up URLs.
        and set(request.GET) <= CACHEABLE_PARAMS
        and len(request.get_full_path()) <= MAX_PATH
    )


def _public(response, until: dt.datetime, now: dt.datetime, *, shareable: bool):
    if shareable:
        # A shared cache (CDN) may keep the page briefly; browsers ask again each time, so
        # a reader who reloads or logs in never looks at a page their own browser kept.
        shared_max_age = max(0, min(PUBLIC_MAX_AGE, int((until - now).total_seconds())))
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared_max_age)
    else:
        patch_cache_control(response, private=True, max_age=0)
    # The page depends on whether the reader has a session; shared caches must know.
    patch_vary_headers(response, ["Cookie"])
    return response


def _personal(response):
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def anonymous_page_cache(view):
    """Mark ``view``: its anonymous GET pages may be kept whole by the middleware.

    Anonymous pages are marked ``public`` with ``s-maxage`` of at most a minute (less
    when a scheduled story is due sooner), so a CDN in front may keep them; browsers get
    ``max-age=0``. Every other reader's page is ``private``. All of them vary on Cookie.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_request(request):
            return _personal(view(request, *args, **kwargs))
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        until = _mark_kept(request, response, listing=True)
        if until is None:
            return response
        return _public(response, until, clock.now(), shareable=shared_caches_may_keep(request))

    setattr(wrapper, MARK, True)
    return wrapper


def _mark_kept(request, response, *, listing: bool) -> dt.datetime | None:
    if not _cacheable_request(request) or response.status_code != 200 or response.streaming or response.cookies:
        return None
    until = freshness.valid_until(clock.now())
    setattr(response, UNTIL_ATTRIBUTE, until)
    setattr(response, LISTING_ATTRIBUTE, listing)
    return until


def keep_for_anonymous_readers(request, response) -> None:
    """Let the middleware keep this finished page (with its headers as they are) for every
    anonymous reader of the same address, in this process: for a page that is the same for
    all of them, such as a free article. Not a listing: the shared cache is not asked for
    such paths, so other pages there cost no shared lookup."""
    _mark_kept(request, response, listing=False)


def page_key(request, host: str, variant: str | None) -> str:
    """The key of the anonymous page for this request (under the content version)."""
    versions = ",".join([cache.version(namespace) for namespace in _namespaces])
    return f"page:{versions}:{request.scheme}:{host}:{'' if variant is None else variant}:{request.get_full_path()}"


def _marked(request) -> bool:
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, MARK, False)


class AnonymousPageCacheMiddleware:
    """Answer anonymous requests for kept pages before the rest of the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # The host is checked before anything is served (a DisallowedHost is a 400), and
        # names the page: sitemaps and feeds carry absolute URLs.
        host = request.get_host()
        now = clock.now()
        variant = page_variant(request)
        place = cache.slot("content", page_key(request, host, variant), local=True)
        found = place.peek()
        # Only listings are looked up in the shared cache: an article page (kept in-process
        # when free, never when metered) must not pay a shared cache miss on every read.
        if found is cache.MISS and cache.is_shared() and _marked(request):
            found = place.get()
        if found is not cache.MISS:
            metrics.cache_lookup("page", True)
            until, status, headers, body, listing = found
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            if not listing:
                return response
            # Cache-Control is recomputed: s-maxage counts down to the next scheduled story.
            del response.headers["Cache-Control"]
            return _public(response, until, now, shareable=variant is None)
        response = self.get_response(request)
        until = getattr(response, UNTIL_ATTRIBUTE, None)
        if until is not None and response.status_code == 200 and not response.cookies and not response.streaming:
            metrics.cache_lookup("page", False)  # a miss of a page that could be kept
            listing = getattr(response, LISTING_ATTRIBUTE, True)
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "content-length"]
            place.put((until, response.status_code, headers, response.content, listing), ttl=until - now,
                      shared=listing)
        return response
