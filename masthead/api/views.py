"""The JSON API: article lists (never a body) and one article as access.decide() allows.

The meter applies to API reads as to pages: the same decision, the same store.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from masthead.access import reader as readers
from masthead.access.read import listed_access, read
from masthead.access.rules import current_rules
from masthead.api.auth import api_reader
from masthead.content import rendering
from masthead.core import clock

PAGE_SIZE = 20


def _iso(moment):
    return moment.isoformat() if moment else None


def _summary(article, rules, base: str) -> dict:
    return {
        "id": article.pk,
        "headline": article.headline,
        "standfirst": article.summary,
        "url": base + article.get_absolute_url(),
        "section": {"slug": article.section.slug, "name": article.section.name},
        "access": listed_access(article, rules).value,
        "published_at": _iso(article.published_at),
        "updated_at": _iso(article.updated_at),
    }


def _base() -> str:
    from masthead.content.publication import current_publication

    return rendering.public_url(current_publication())


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
    """One article, as access.read() allows: the body when granted; otherwise the teaser and a paywall object."""
    from masthead.content.models import Article

    now = clock.now()
    article = (
        Article.objects.select_related("section", "source").prefetch_related("authors", "tags").filter(pk=pk).first()
    )
    if article is None or not article.is_live(now):
        raise Http404("No such article")
    rules = current_rules()
    result = read(request, rendering.facts_of(article), channel="api", reader=api_reader(request, rules),
                  article=article, now=now)
    if result.parts is None:
        raise Http404("No such article")
    decision = result.decision
    data = _summary(article, rules, _base())
    data["authors"] = [a.name for a in article.authors.all()]
    data["tags"] = [t.slug for t in article.tags.all()]
    data["disclaimer"] = article.disclaimer
    data["granted"] = decision.granted
    data["reason"] = decision.reason.value
    data["meter"] = (
        {"used": decision.used, "remaining": decision.remaining, "limit": decision.limit,
         "notice": result.notice}
        if decision.metered else None
    )
    if decision.granted:
        data["body"] = result.body_html
        data["paywall"] = None
    else:
        data["teaser"] = str(result.teaser_html)
        data["paywall"] = result.paywall.as_json()
    data["access"] = decision.access.value
    response = JsonResponse(data)
    readers.set_cookie(response, result.reader)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response
