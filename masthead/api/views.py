"""The JSON API: article lists (never a body) and one article as access.decide() allows.

The meter applies to API reads as to pages: the same decision, the same store.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from masthead.access import reader as readers
from masthead.access.decision import Access, Reason, effective_access
from masthead.access.entitlements import for_request as benefits_for
from masthead.access.rules import current_rules
from masthead.access.service import decide, record_cookie_wall
from masthead.api.auth import api_reader
from masthead.content import rendering
from masthead.core import clock

PAGE_SIZE = 20


def _iso(moment):
    return moment.isoformat() if moment else None


def _summary(article, rules, base: str) -> dict:
    from masthead.access.service import item_facts

    return {
        "id": article.pk,
        "headline": article.headline,
        "standfirst": article.summary,
        "url": base + article.get_absolute_url(),
        "section": {"slug": article.section.slug, "name": article.section.name},
        "access": effective_access(item_facts(article), rules).value,
        "published_at": _iso(article.published_at),
        "updated_at": _iso(article.updated_at),
    }


def _base() -> str:
    from masthead.content.publication import current_publication

    return rendering._public_url(current_publication())


@require_GET
def article_list(request):
    """Live articles, newest first, 20 a page: headline, standfirst, url, section, access, dates."""
    from masthead.content.models import Article

    rules = current_rules()
    queryset = (
        Article.objects.live(clock.now())
        .select_related("section")
        .prefetch_related("tags")
        .only("id", "headline", "slug", "standfirst", "published_at", "updated_at", "created_at", "access",
              "section__slug", "section__name", "section__is_premium")
    )
    section = request.GET.get("section")
    if section:
        queryset = queryset.filter(section__slug=section)
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(int(request.GET.get("page", "1")))
    except (EmptyPage, ValueError):
        raise Http404("No such page")
    base = _base()
    response = JsonResponse({
        "results": [_summary(a, rules, base) for a in page.object_list],
        "page": page.number,
        "pages": paginator.num_pages,
        "count": paginator.count,
        "next": f"/api/articles/?page={page.number + 1}" if page.has_next() else None,
    })
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_GET
def article_detail(request, pk: int):
    """One article: the body when decide() grants; otherwise the teaser and a paywall object."""
    from masthead.content.models import Article

    now = clock.now()
    article = (
        Article.objects.select_related("section", "source").prefetch_related("authors", "tags").filter(pk=pk).first()
    )
    if article is None or not article.is_live(now):
        raise Http404("No such article")
    rules = current_rules()
    facts = rendering.facts_of(article)
    reader = api_reader(request, rules)
    decision = decide(reader, facts.item, now, benefits=benefits_for(request, reader.user, now=now),
                      rules=rules, channel="api")
    if decision.reason is Reason.COOKIES_REQUIRED:
        readers.issue_cookie(reader, rules, now=now)
        record_cookie_wall("api")
    parts = rendering.parts_for(facts, rules.teaser_paragraphs, article=article)
    data = _summary(article, rules, _base())
    data["authors"] = [a.name for a in article.authors.all()]
    data["tags"] = [t.slug for t in article.tags.all()]
    data["disclaimer"] = article.disclaimer
    data["granted"] = decision.granted
    data["reason"] = decision.reason.value
    data["meter"] = (
        {"used": decision.used, "remaining": decision.remaining, "limit": decision.limit}
        if decision.metered else None
    )
    if decision.granted:
        data["body"] = str(parts.teaser_html) + str(parts.rest_html)
        data["paywall"] = None
    else:
        data["teaser"] = str(parts.teaser_html)
        data["paywall"] = {
            "reason": decision.reason.value,
            "message": decision.reason.label,
            "limit": decision.limit,
            "used": decision.used,
            "remaining": decision.remaining,
            "subscribe_url": "/subscribe/?" + urlencode({"next": parts.url}),
            "login_url": "/accounts/login/?" + urlencode({"next": parts.url}),
        }
    data["access"] = decision.access.value if decision.access is not Access.FREE else "free"
    response = JsonResponse(data)
    readers.set_cookie(response, reader)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response
