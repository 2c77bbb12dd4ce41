"""The reader site's listing pages. (The article page is access.article_page.)

Listing pages show cards only (headline, standfirst, section, byline, date): never a
body. Anonymous renderings are cached whole (page_cache); the data under them is cached
per content version (listings).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.content import freshness, listings
from masthead.content.models import Author, Section, Tag
from masthead.content.page_cache import anonymous_page_cache


# Numbered pages were 20 stories: no list ever had more than this many (two million stories).
OLD_PAGES = 100_000


def _page_or_404(request, build):
    """The page a listing's ?before= / ?after= names (keyset positions); a forged one is a 404.

    An old ?page=N link (before keyset pages) is sent to the listing's first page: a
    number cannot be turned into a position without counting the whole list."""
    if "page" in request.GET:
        try:
            number = listings.page_number(request.GET["page"])
        except listings.PageOutOfRange as exc:
            raise Http404("No such page") from exc
        if number > OLD_PAGES:
            raise Http404("No such page")
        return HttpResponsePermanentRedirect(request.path)
    try:
        return build(**listings.positions(request.GET.get("before"), request.GET.get("after")))
    except listings.PageOutOfRange as exc:
        raise Http404("No such page") from exc


def _get_cached(model, slug: str):
    """A section, author or tag by slug, cached with the content version."""
    found = freshness.remember(f"{model._meta.model_name}:{slug}", lambda: model.objects.filter(slug=slug).first())
    if found is None:
        raise Http404(f"No {model._meta.verbose_name} {slug!r}")
    return found


@require_safe
@anonymous_page_cache
def home(request):
    """The front page."""
    return render(request, "content/home.html", {"front": listings.front_page()})


@require_safe
@anonymous_page_cache
def section(request, slug):
    """A section's stories, newest first, 20 a page (keyset pages: ?before= / ?after=)."""
    section = _get_cached(Section, slug)
    page = _page_or_404(request, lambda **at: listings.section_page(section, **at))
    if isinstance(page, HttpResponse):
        return page
    return render(request, "content/section.html", {"section": section, "page": page})


@require_safe
@anonymous_page_cache
def author(request, slug):
    """An author's profile and stories."""
    author = _get_cached(Author, slug)
    page = _page_or_404(request, lambda **at: listings.author_page(author, **at))
    if isinstance(page, HttpResponse):
        return page
    return render(request, "content/author.html", {"author": author, "page": page})


@require_safe
@anonymous_page_cache
def tag(request, slug):
    """Stories on a topic."""
    tag = _get_cached(Tag, slug)
    page = _page_or_404(request, lambda **at: listings.tag_page(tag, **at))
    if isinstance(page, HttpResponse):
        return page
    return render(request, "content/tag.html", {"tag": tag, "page": page})


@require_safe
@anonymous_page_cache
def archive_index(request):
    """Every year back to the oldest story, with counts."""
    return render(request, "content/archive_index.html", {"years": listings.archive_years()})


def _valid_date(year: int, month: int = 1, day: int = 1) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise Http404("No such date") from exc


@require_safe
@anonymous_page_cache
def archive_year(request, year):
    """The months of a year with counts."""
    first = _valid_date(year)
    months = listings.archive_months(year)
    if not months:
        raise Http404("No stories that year")
    return render(request, "content/archive_year.html", {"year": first, "months": months})


@require_safe
@anonymous_page_cache
def archive_month(request, year, month):
    """The days of a month with counts."""
    first = _valid_date(year, month)
    days = listings.archive_days(year, month)
    if not days:
        raise Http404("No stories that month")
    return render(request, "content/archive_month.html", {"month": first, "days": days})


@require_safe
@anonymous_page_cache
def archive_day(request, year, month, day):
    """The stories of one day, 50 a page (keyset pages)."""
    date = _valid_date(year, month, day)
    page = _page_or_404(request, lambda **at: listings.archive_day_page(date, **at))
    if isinstance(page, HttpResponse):
        return page
    if page.count == 0:
        raise Http404("No stories that day")
    return render(request, "content/archive_day.html", {"day": date, "page": page})


@require_safe
def robots_txt(request):
    """Crawlers may read the site; the account, billing and admin areas are not for them."""
    base = request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /billing/",
        "Disallow: /subscribe/",
        "Disallow: /checkout/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "Disallow: /api/",
        "",
        f"Sitemap: {base}/sitemap.xml",
        f"Sitemap: {base}/sitemap-news.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page is a plain file: it must render when the database is down."""
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
