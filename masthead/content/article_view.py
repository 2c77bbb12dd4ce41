"""The article page: the hot path. Access is decided by masthead.access.

A read is: the article's facts from an in-process map (no query), the reader from the
request (no session lookup for an anonymous reader), one access decision (one meter
round trip when metered), then cached parts laid out by a small template. The gated
rest of the body is inserted only when the decision grants it.

Caching (see masthead/access/README.md): every response varies on Cookie. A free article
served to an anonymous reader without setting a cookie is `public, max-age=60`; every
other page (metered, premium, gated, logged in, preview) is `private, no-store`, so no
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
from masthead.access.decision import Access, Reason
from masthead.access.entitlements import for_request as benefits_for
from masthead.access.rules import current_rules
from masthead.access.service import decide, record_cookie_wall
from masthead.content import page_cache, rendering
from masthead.core import cache, clock

OFFERS_TTL = 60


def _visible_offers():
    from masthead.billing.offer import visible_offers

    return visible_offers()


def offers():
    """The plans the paywall shows (billing's visible_offers), kept under the offers
    version, which billing bumps when a plan changes, for a minute at most."""
    return cache.remember("offers", "visible", _visible_offers, ttl=OFFERS_TTL, local=True)


def period_phrase(rules) -> str:
    """"this month" or "in 30 days", as the paywall and the notice say it."""
    return "this month" if rules.period == "month" else "in 30 days"


def paywall_html(decision, rules, article_url: str) -> str:
    """The paywall for a refused decision, with the live limit and the plans."""
    return render_to_string(
        "access/paywall.html",
        {
            "reason": decision.reason.value,
            "limit": rules.free_limit,
            "period_phrase": period_phrase(rules),
            "archive_days": rules.archive_days,
            "offers": offers(),
            "article_url": article_url,
        },
    )


def meter_notice(decision, rules) -> str:
    """'3 free articles left this month' on a granted metered read."""
    if not decision.granted or not decision.metered:
        return ""
    left = decision.remaining
    noun = "article" if left == 1 else "articles"
    return f"{left} free {noun} left {period_phrase(rules)}."


def _without_marker(request) -> str:
    query = request.GET.copy()
    query.pop(readers.COOKIE_CHECK_PARAM, None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def article(request, year, month, day, slug):
    """An article for any reader: full, or teaser and paywall, as access.decide() says."""
    now = clock.now()
    facts = rendering.facts_for_slug(slug)
    if facts is None or not facts.is_live(now):
        raise Http404("No such article")
    if request.path != facts.url:
        # The date in the URL is wrong (or the story moved): send readers to the real one.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(facts.url + (f"?{query}" if query else ""), status=301)
    rules = current_rules()
    reader = readers.for_request(request, rules)
    if reader.meter_key and readers.COOKIE_CHECK_PARAM in request.GET:
        # Back from the cookie check with the cookie: drop the marker from the address bar.
        response = _private(HttpResponseRedirect(_without_marker(request)))
        readers.set_cookie(response, reader)  # the cookie now records the address check, if any
        return response
    benefits = benefits_for(request, reader.user, now=now)
    decision = decide(reader, facts.item, now, benefits=benefits, rules=rules)

    if decision.reason is Reason.COOKIES_REQUIRED:
        readers.issue_cookie(reader, rules, now=now)
        if not reader.cookies_refused:
            # A browser follows this once, invisibly, and comes back with the cookie.
            query = request.GET.copy()
            query[readers.COOKIE_CHECK_PARAM] = "1"
            response = _private(HttpResponseRedirect(f"{request.path}?{query.urlencode()}"))
            readers.set_cookie(response, reader)
            return response
        record_cookie_wall()

    parts = rendering.parts_for(facts, rules.teaser_paragraphs)
    if parts is None:
        raise Http404("No such article")
    if _shareable(request, reader):
        response = _shared_page(request, parts, decision, rules, reader)
    else:
        response = _page(request, parts, decision, rules, reader)
    readers.set_cookie(response, reader)
    same_for_everyone = decision.reason is Reason.FREE and not reader.is_authenticated and not reader.new_cookie
    if same_for_everyone and page_cache.shared_caches_may_keep(request):
        patch_cache_control(response, public=True, max_age=60)
        patch_vary_headers(response, ["Cookie"])
    else:
        _private(response)
    if same_for_everyone:
        page_cache.keep_for_anonymous_readers(request, response)
    return response


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


def _shared_page(request, parts, decision, rules, reader):
    benefits = ",".join(sorted(benefit.value for benefit in decision.benefits))
    key = (f"shell:{parts.version}:{decision.granted:d}{decision.metered:d}{reader.is_authenticated:d}:"
           f"{decision.reason.value}:{benefits}:{request.get_full_path()}")
    notice = meter_notice(decision, rules)

    def build():
        response = _page(request, parts, decision, rules, reader, notice=mark_safe(NOTICE_MARKER) if notice else "",
                         csrf_token=CSRF_MARKER)
        return response.content, response["Content-Type"]

    # Kept in this process only: cheap to build from the cached parts, large to send.
    body, content_type = cache.remember("content", key, build, ttl=SHELL_SECONDS, local=True, shared=False)
    body = body.replace(NOTICE_MARKER.encode(), escape(notice).encode()) if notice else body
    if CSRF_MARKER.encode() in body:
        body = body.replace(CSRF_MARKER.encode(), get_token(request).encode())
    return HttpResponse(body, content_type=content_type)


def _page(request, parts, decision, rules, reader, *, preview_status: str = "", notice=None, csrf_token=None):
    context = {
        "parts": parts,
        "granted": decision.granted,
        "decision": decision,
        "notice": meter_notice(decision, rules) if notice is None else notice,
        "paywall": "" if decision.granted else paywall_html(decision, rules, parts.url),
        "paywalled_class": rendering.PAYWALLED_CLASS if decision.access is not Access.FREE else "article__rest",
        "preview": bool(preview_status),
        "preview_status": preview_status,
        # The reader's user, so the base template does not look at the session for anonymous readers.
        "user": reader.user,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = TemplateResponse(request, "content/article.html", context)
    response.render()
    return response


def preview(request, pk):
    """An unpublished (or any) article in full for staff, with a PREVIEW banner; never cached."""
    from masthead.access.decision import Decision
    from masthead.content.models import Article

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        login = "/accounts/login/?" + urlencode({"next": request.get_full_path()})
        return _private(HttpResponseRedirect(login))
    if not (user.is_active and user.is_staff):
        raise Http404("No such article")
    article_obj = (
        Article.objects.select_related("section", "source").prefetch_related("authors", "tags").filter(pk=pk).first()
    )
    if article_obj is None:
        raise Http404("No such article")
    rules = current_rules()
    parts = rendering.render_parts(article_obj, rules.teaser_paragraphs)
    decision = Decision(True, Reason.ENTITLED, Access(article_obj.access), limit=rules.free_limit)
    reader = readers.Reader(readers.ReaderFacts(f"u:{user.pk}", is_authenticated=True), user=user)
    response = _page(request, parts, decision, rules, reader,
                     preview_status=f"{article_obj.get_status_display()}")
    response["X-Robots-Tag"] = "noindex"
    return _private(response)
