"""/api/v1/: the publication, its sections, the lists, one story and search.

Lists are the same for every reader (public for a minute, with ETags); a story is read
through access's one read path and answered privately (`Cache-Control: private`).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from typing import Annotated

from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field

from masthead.access import reader as readers
from masthead.access.read import read
from masthead.access.rules import current_rules
from masthead.api import actions
from masthead.api.auth import api_reader
from masthead.api.v1 import listing, offers, schemas
from masthead.api.v1.conventions import answers, respond
from masthead.content import listings, rendering
from masthead.content.cards import card_for
from masthead.content.freshness import remember
from masthead.content.models import Article, Author, Section, Tag
from masthead.content.publication import current_publication
from masthead.core import clock

router = Router(tags=["Stories"])


# What a section, tag or author slug may hold (content's SlugField); anything else is refused
# before it reaches a query or a cache key.
Slug = Annotated[str, PathParam(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="Words that must all appear")


def _by_slug(model, slug: Slug):
    found = remember(f"{model._meta.model_name}:{slug}", lambda: model.objects.filter(slug=slug).first())
    if found is None:
        raise Http404(f"No {model._meta.verbose_name} {slug!r}.")
    return found


def _section(section: Section, base: str) -> dict:
    return {"slug": section.slug, "name": section.name, "description": section.description,
            "is_premium": section.shows_premium, "in_navigation": section.in_navigation,
            "url": base + section.get_absolute_url()}


def _sections() -> list[Section]:
    return remember("api:sections", lambda: list(Section.objects.all()))


@router.get("/publication", response=answers(schemas.Publication), summary="The publication and its sections")
def publication(request):
    pub = current_publication()
    rules = current_rules()
    base = listing.base_url()
    return respond(request, {
        "name": pub.name, "tagline": pub.tagline, "url": base, "time_zone": pub.time_zone,
        "currency": pub.currency, "locale": pub.locale, "free_limit": rules.free_limit,
        "meter_period": rules.period, "sections": [_section(s, base) for s in _sections()],
        "subscribe_url": offers.subscribe_url(), "login_url": offers.login_url(),
        "signup_url": offers.signup_url(),
    }, private=False)


@router.get("/sections", response=answers(list[schemas.Section]), summary="Every section")
def sections(request):
    base = listing.base_url()
    return respond(request, [_section(s, base) for s in _sections()], private=False)


@router.get("/home", response=answers(schemas.Home), summary="The front page")
def home(request):
    def build():
        front = listings.front_page()
        return {
            "top_stories": listing.summaries(front.top_stories),
            "editors_picks": listing.summaries(front.editors_picks),
            "latest": listing.summaries(front.latest),
            "sections": [{"section": {"slug": b.section.slug, "name": b.section.name},
                          "articles": listing.summaries(b.cards)} for b in front.sections],
        }

    return listing.public(request, "home", build)


@router.get("/articles", response=answers(schemas.ArticlePage), summary="Every live story, newest first")
def articles(request, query: Query[PageQuery]):
    return _paged(request, "all", listing.live(), query.cursor)


@router.get("/sections/{slug}/articles", response=answers(schemas.ArticlePage, 404), summary="A section's stories")
def section_articles(request, slug: Slug, query: Query[PageQuery]):
    section = _by_slug(Section, slug)
    return _paged(request, f"section:{section.pk}", listing.live().filter(section=section), query.cursor)


@router.get("/tags/{slug}", response=answers(schemas.Tag, 404), summary="A tag")
def tag(request, slug: Slug):
    found = _by_slug(Tag, slug)
    return respond(request, {"slug": found.slug, "name": found.name,
                             "url": listing.base_url() + found.get_absolute_url()}, private=False)


@router.get("/tags/{slug}/articles", response=answers(schemas.ArticlePage, 404), summary="Stories on a topic")
def tag_articles(request, slug: Slug, query: Query[PageQuery]):
    found = _by_slug(Tag, slug)
    return _paged(request, f"tag:{found.pk}", listing.live().filter(tags=found), query.cursor)


@router.get("/authors/{slug}", response=answers(schemas.Author, 404), summary="An author")
def author(request, slug: Slug):
    found = _by_slug(Author, slug)
    return respond(request, {"slug": found.slug, "name": found.name, "role": found.role, "bio": found.bio,
                             "url": listing.base_url() + found.get_absolute_url()}, private=False)


@router.get("/authors/{slug}/articles", response=answers(schemas.ArticlePage, 404), summary="An author's stories")
def author_articles(request, slug: Slug, query: Query[PageQuery]):
    found = _by_slug(Author, slug)
    return _paged(request, f"author:{found.pk}", listing.live().filter(authors=found), query.cursor)


def _paged(request, name: str, queryset, cursor: str | None):
    listing.after(cursor)  # a forged cursor is refused before anything is kept under it
    return listing.public(request, f"{name}:after:{cursor or ''}", lambda: listing.page(queryset, cursor))


def _periods(found) -> list[dict]:
    return [{"start": p.start, "count": p.count} for p in found]


def _date(year: int, month: int = 1, day: int = 1) -> dt.date:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise Http404("No such date in the archive.") from exc


@router.get("/archive", response=answers(list[schemas.Period]), summary="The archive's years")
def archive(request):
    return respond(request, _periods(listings.archive_years()), private=False)


@router.get("/archive/{year}", response=answers(list[schemas.Period], 404), summary="The months of a year")
def archive_year(request, year: int):
    _date(year)
    return respond(request, _periods(listings.archive_months(year)), private=False)


@router.get("/archive/{year}/{month}", response=answers(list[schemas.Period], 404), summary="The days of a month")
def archive_month(request, year: int, month: int):
    _date(year, month)
    return respond(request, _periods(listings.archive_days(year, month)), private=False)


@router.get("/archive/{year}/{month}/{day}", response=answers(schemas.ArticlePage, 404),
            summary="The stories of a day (in the publication's time zone)")
def archive_day(request, year: int, month: int, day: int, query: Query[PageQuery]):
    first = _date(year, month, day)
    zone = current_publication().zone
    try:
        start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(first + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    except OverflowError as exc:
        raise Http404("No such date in the archive.") from exc
    found = listing.live().filter(published_at__gte=start, published_at__lt=end)
    return _paged(request, f"archive:{first.isoformat()}", found, query.cursor)


@router.get("/search", response=answers(schemas.SearchResults), summary="Search headlines and standfirsts")
def search(request, query: Query[SearchQuery]):
    return respond(request, {"query": query.q, "results": listing.summaries(listing.find(query.q))}, private=False)


def _story(article_id: int) -> dict | None:
    """What the answer about one story needs besides the read (its facts, card, tags and
    disclaimer), kept in-process under the content version like the page's facts: a read
    costs no query for the story itself. Never the body: the read path hands that out."""

    def build():
        found = (Article.objects.select_related("section", "source").prefetch_related("authors", "tags")
                 .defer("body").filter(pk=article_id).first())
        if found is None:
            return None
        return {"facts": rendering.facts_of(found), "card": card_for(found), "disclaimer": found.disclaimer,
                "tags": [{"slug": t.slug, "name": t.name} for t in found.tags.all()]}

    return remember(f"api:story:{article_id}", build, local=True)


@router.get("/articles/{article_id}", response=answers(schemas.ArticleDetail, 404),
            summary="One story: the whole text when the reader may read it, else the teaser and the paywall")
def article(request, article_id: int):
    now = clock.now()
    story = _story(article_id) if 0 < article_id < 2**63 else None
    if story is None or not story["facts"].is_live(now):
        raise Http404("No such story.")
    rules = current_rules()
    result = read(request, story["facts"], channel="api", reader=api_reader(request, rules), now=now)
    if result.parts is None:
        raise Http404("No such story.")
    decision = result.decision
    data = listing.summary(story["card"], listing.base_url())
    data.update({
        "tags": story["tags"],
        "disclaimer": story["disclaimer"],
        "granted": decision.granted,
        "reason": decision.reason.value,
        "meter": ({"used": decision.used, "remaining": decision.remaining, "limit": decision.limit,
                   "notice": result.notice} if decision.metered else None),
        "teaser": str(result.teaser_html),
        # The gated rest leaves the read path only when granted (Read.rest_html is "" otherwise).
        "body": result.body_html if decision.granted else None,
        "paywall": None if decision.granted else offers.paywall_of(result.paywall, story["facts"].url),
    })
    if decision.granted and result.reader.is_authenticated:
        actions.record_read(result.reader.user, article_id, now=now)
    response = respond(request, data, private=True, no_store=True)
    readers.set_cookie(response, result.reader)
    return response
