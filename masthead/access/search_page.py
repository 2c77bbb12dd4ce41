"""The search page: /search/?q=...&section=&author=&from=&to=&access=&page=

Results come from ``access.search`` (snippets only from what the reader may see). Odd
input is explained, never fatal: a date that is not a date is named and ignored, an
unknown section or author finds nothing, a page past the results is a 404.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.access.search import search_for
from masthead.content import freshness
from masthead.content import search as fulltext
from masthead.content.listings import PageOutOfRange, page_number
from masthead.content.models import Section

MAX_QUERY = 200
ACCESS_CHOICES = (("", "Any story"), ("free", "Free stories"), ("premium", "Premium stories"))


def _date(raw: str, label: str, problems: list[str]) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:20]}” is not a date for “{label}” (use YYYY-MM-DD); it was left out.")
        return None


def filters_from(params, problems: list[str]) -> fulltext.Filters:
    """The search filters from the query string, with a note for each value left out."""
    since = _date(params.get("from", ""), "from", problems)
    until = _date(params.get("to", ""), "to", problems)
    if since and until and since > until:
        problems.append("“from” is after “to”: the two dates were swapped.")
        since, until = until, since
    access = params.get("access", "")
    if access not in dict(ACCESS_CHOICES):
        problems.append("Stories are free or premium; that choice was left out.")
        access = ""
    return fulltext.Filters(
        section=params.get("section", "")[:80], author=params.get("author", "")[:120],
        since=since, until=until, access=access,
    )


@require_safe
def search(request):
    """Full-text search over the archive: ranked, filtered, paged, with highlighted snippets."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    problems: list[str] = []
    filters = filters_from(request.GET, problems)
    try:
        number = page_number(request.GET.get("page"))
    except PageOutOfRange as exc:
        raise Http404("No such page") from exc
    found = search_for(request, query, filters, number) if query else None
    if found is not None and number > 1 and number > found.num_pages:
        raise Http404("No such page")
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    sections = freshness.remember("search:sections", lambda: list(Section.objects.values_list("slug", "name")))
    context = {
        "query": query, "search_query": query, "found": found, "filters": filters, "problems": problems,
        "sections": sections, "access_choices": ACCESS_CHOICES,
        "page_link": "?" + urlencode(kept) + "&page=" if kept else "?page=",
    }
    return render(request, "access/search.html", context)
