"""The article page: the hot path, built on access.read().

A read is: the article's facts from an in-process map (no query), the reader from the
request (no session lookup for an anonymous reader), one access decision (one meter
round trip when metered), then cached parts laid out by a small template. The gated
rest of the body is inserted only when the decision grants it (`Read.rest_html`).

Three small places, one job each:
- the cookie protocol (access.reader: issue, set, the one check redirect);
- the page shells (`_shared_page`): pages that are the same for every reader with the same
  decision and benefits are rendered once and kept briefly in-process;
- the cache headers (`_cache_headers`): every response varies on Cookie; a free article
  served to an anonymous reader without setting a cookie is `public, max-age=60`, every
  other page (metered, premium, gated, logged in, preview) `private, no-store`, so no
  shared cache can hand one reader's unlocked page to another.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import mark_safe

from masthead.access import reader as readers
from masthead.access.decision import Access, Decision, Reason
from masthead.access.read import PREVIEW_AS, Read, read, read_as
from masthead.access.rules import current_rules
from masthead.content import page_cache, rendering
from masthead.content.models import Article
from masthead.core import cache, clock


def paywall_html(result: Read) -> str:
    """The paywall for a refused read, with the live limit and the plans that open it."""
    return render_to_string("access/paywall.html", {"paywall": result.paywall})


def private(response):
    """Never kept by a shared cache; varies on Cookie."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _cache_headers(request, response, result: Read):
    """Public for a page that is the same for every anonymous reader (and kept whole by the
    page cache), private otherwise."""
    if result.shareable_public and page_cache.shared_caches_may_keep(request):
        patch_cache_control(response, public=True, max_age=60)
        patch_vary_headers(response, ["Cookie"])
    else:
        private(response)
    if result.shareable_public:
        page_cache.keep_for_anonymous_readers(request, response)
    return response


def article(request, year, month, day, slug):
    """An article for any reader: full, or teaser and paywall, as access.read() says."""
    now = clock.now()
    facts = rendering.facts_for_slug(slug)
    if facts is not None and facts.status == Article.Status.WITHDRAWN and request.path == facts.url:
        return withdrawn(request)
    if facts is None or not facts.is_live(now):
        raise Http404("No such article")
    if request.path != facts.url:
        # The date in the URL is wrong (or the story moved): send readers to the real one.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(facts.url + (f"?{query}" if query else ""), status=301)
    reader = readers.for_request(request, current_rules())
    if readers.back_from_cookie_check(request, reader):
        # Back from the cookie check with the cookie: drop the marker from the address bar.
        response = private(HttpResponseRedirect(readers.without_check_marker(request)))
        readers.set_cookie(response, reader)  # the cookie now records the address check, if any
        return response
    result = read(request, facts, reader=reader, now=now)
    if result.cookie_check:
        # A browser follows this once, invisibly, and comes back with the cookie.
        response = private(HttpResponseRedirect(readers.cookie_check_url(request)))
        readers.set_cookie(response, reader)
        return response
    if result.parts is None:
        raise Http404("No such article")
    if _shareable(request, reader):
        response = _shared_page(request, result)
    else:
        response = _page(request, result)
    readers.set_cookie(response, reader)
    return _cache_headers(request, response, result)


# Pages are the same for every reader with the same decision, benefits and signed-in-ness,
# except the "N free articles left" line: they are rendered once per (article rendering,
# path, decision, benefits, signed in or not) and kept briefly in-process, with a marker
# where that line goes. The base template shows a signed-in reader only "My account", so a
# subscriber's page can be shared with every other subscriber holding the same benefits.
SHELL_SECONDS = 30
NOTICE_MARKER = "<!--mh:meter-notice-->"
# A signed-in reader's header carries a log-out form: the shell holds this in place of the
# CSRF token, and each response gets its own reader's token (never another reader's).
CSRF_MARKER = "mh-csrf-token-marker"


def _shareable(request, reader) -> bool:
    """Nothing about this request can make its page differ from another reader's with the same decision."""
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if not reader.is_authenticated:
        return settings.SESSION_COOKIE_NAME not in request.COOKIES
    # Signed in: the session is loaded already (for the user); pending messages are per reader.
    session = getattr(request, "session", None)
    return session is not None and not session.get("_messages")


def _shared_page(request, result: Read):
    decision, parts = result.decision, result.parts
    benefits = ",".join(sorted(benefit.value for benefit in decision.benefits))
    # A paywall shows the plans on sale: its shell is retired with the offers' version.
    offers_version = "" if decision.granted else cache.version("offers")
    # An experiment's arm changes the paywall (its limit, copy and plan order): one shell per arm.
    variant = result.variant.key if result.variant is not None else ""
    key = (f"shell:{parts.version}:{decision.granted:d}{decision.metered:d}{decision.last_free:d}"
           f"{result.reader.is_authenticated:d}:{decision.reason.value}:{benefits}:{offers_version}:"
           f"{decision.limit}:{variant}:{request.get_full_path()}")
    notice = result.notice

    def build():
        response = _page(request, result, notice=mark_safe(NOTICE_MARKER) if notice else "", csrf_token=CSRF_MARKER)
        return response.content, response["Content-Type"]

    # Kept in this process only: cheap to build from the cached parts, large to send.
    body, content_type = cache.remember("content", key, build, ttl=SHELL_SECONDS, local=True, shared=False)
    body = body.replace(NOTICE_MARKER.encode(), escape(notice).encode()) if notice else body
    if CSRF_MARKER.encode() in body:
        body = body.replace(CSRF_MARKER.encode(), get_token(request).encode())
    return HttpResponse(body, content_type=content_type)


def _page(request, result: Read, *, preview_status: str = "", notice=None, csrf_token=None):
    context = {
        "read": result,
        "parts": result.parts,
        "decision": result.decision,
        "notice": result.notice if notice is None else notice,
        "paywall": "" if result.granted else paywall_html(result),
        "paywalled_class": rendering.PAYWALLED_CLASS if not result.free else "article__rest",
        "preview": bool(preview_status),
        "preview_status": preview_status,
        # The reader's user, so the base template does not look at the session for anonymous readers.
        "user": result.reader.user,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = TemplateResponse(request, "access/article.html", context)
    response.render()
    return response


def withdrawn(request):
    """A withdrawn story's address says so (410 Gone), and shows nothing of the story."""
    response = TemplateResponse(request, "access/withdrawn.html", {}, status=410)
    response.render()
    response["X-Robots-Tag"] = "noindex"
    return private(response)


def preview(request, pk):
    """An unpublished (or any) article in full for staff, with a PREVIEW banner; never cached.

    `?as=anonymous|metered|subscriber` shows it as that reader would see it (teaser and
    paywall, or the whole story), decided by access.read.read_as: no meter is counted.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        login = "/accounts/login/?" + urlencode({"next": request.get_full_path()})
        return private(HttpResponseRedirect(login))
    if not (user.is_active and user.is_staff):
        raise Http404("No such article")
    article_obj = (
        Article.objects.select_related("section", "source").prefetch_related("authors", "tags").filter(pk=pk).first()
    )
    if article_obj is None:
        raise Http404("No such article")
    rules = current_rules()
    facts = rendering.facts_of(article_obj)
    persona = request.GET.get("as", "")
    if persona in PREVIEW_AS:
        # As that reader would see it, by the one decision; nothing is counted (read_as).
        result = read_as(persona, facts)
        status = f"{article_obj.get_status_display()}, seen as {PREVIEW_AS[persona]}"
    else:
        decision = Decision(True, Reason.ENTITLED, Access(article_obj.access), limit=rules.free_limit)
        reader = readers.Reader(readers.ReaderFacts(f"u:{user.pk}", is_authenticated=True), user=user)
        result = Read(reader, decision, rules, facts)
        status = f"{article_obj.get_status_display()}"
    # Rendered afresh (never from the cache: an unpublished version must not be kept).
    result.parts = rendering.render_parts(article_obj, rules.teaser_paragraphs, free=result.free)
    response = _page(request, result, preview_status=status)
    response["X-Robots-Tag"] = "noindex"
    return private(response)
