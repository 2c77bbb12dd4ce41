"""The lists readers browse: front page, sections, authors, tags, archive and search.

Every function returns cards (never bodies) and, except search, is cached until the
content changes or the next scheduled story falls due (see freshness).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from masthead.content import keyset, rollup
from masthead.content.cards import ArticleCard, cards
from masthead.content.keyset import Page
from masthead.content.freshness import remember
from masthead.content.models import Article, Section, is_live
from masthead.content import search as fulltext
from masthead.core import clock

PAGE_SIZE = 20
TOP_STORIES = 9
EDITORS_PICKS = 5
PER_SECTION = 4
LATEST = 6
SEARCH_LIMIT = 50
DAY = dt.timedelta(days=1)


def live():
    return Article.objects.live(clock.now())


@dataclass(frozen=True)
class SectionBlock:
    section: Section
    cards: list[ArticleCard]


@dataclass(frozen=True)
class FrontPage:
    top_stories: list[ArticleCard]
    editors_picks: list[ArticleCard]
    latest: list[ArticleCard]
    sections: list[SectionBlock]


def front_page() -> FrontPage:
    """Top stories, editors' picks, the latest headlines and the newest stories per section."""

    def build() -> FrontPage:
        top = cards(live().filter(is_top_story=True)[:TOP_STORIES])
        # A story already in the top slots is not repeated lower on the page.
        shown = {c.id for c in top}
        picks = search_cards(_editors_picks(shown))
        shown |= {c.id for c in picks}
        latest = cards(live().exclude(pk__in=shown)[:LATEST])
        # Each section's newest ids (one short index range each), then every card at once:
        # three queries for all the blocks rather than three a section.
        sections = list(Section.objects.filter(in_navigation=True))
        ids = {section.pk: list(live().filter(section=section).exclude(pk__in=shown)
                                .values_list("pk", flat=True)[:PER_SECTION]) for section in sections}
        by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=[i for v in ids.values() for i in v]).order_by())}
        blocks = [SectionBlock(section, [by_id[i] for i in ids[section.pk] if i in by_id])
                  for section in sections if ids[section.pk]]
        return FrontPage(top, picks, latest, blocks)

    return remember("front-page", build)


def _editors_picks(shown: set[int]) -> list[int]:
    """The picks' ids in the desk's numbered order (content.actions.arrange_picks), then
    the newest unnumbered ones. Both are read in date order, which the picks' own index
    (article_editors_picks) answers; the numbers are applied here. (Ordered by the number,
    SQLite's planner walked the whole (status, date) index: seconds at a million stories.)"""
    picks = live().filter(is_editors_pick=True).exclude(pk__in=shown)
    numbered = list(picks.filter(home_order__isnull=False).values_list("pk", "home_order"))
    numbered.sort(key=lambda row: row[1])  # stable: newest first among equal numbers
    chosen = [pk for pk, _ in numbered[:EDITORS_PICKS]]
    if len(chosen) < EDITORS_PICKS:
        chosen += list(picks.filter(home_order__isnull=True).values_list("pk", flat=True)[:EDITORS_PICKS - len(chosen)])
    return chosen


class PageOutOfRange(Exception):
    pass


def page_number(raw: str | None) -> int:
    """An old ?page= value as a page number; anything that is not a positive integer is out of range."""
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError as exc:
        raise PageOutOfRange(raw) from exc
    if number < 1:
        raise PageOutOfRange(raw)
    return number


def positions(before: str | None, after: str | None) -> dict:
    """The ?before= / ?after= of a request as keyset positions; PageOutOfRange if forged."""
    try:
        return {"before": keyset.Position.parse(before) if before else None,
                "after": keyset.Position.parse(after) if after else None}
    except keyset.BadPosition as exc:
        raise PageOutOfRange(str(exc)) from exc


def paginate(name: str, queryset, *, before=None, after=None, per_page: int = PAGE_SIZE,
             count=None) -> Page:
    """The page of the queryset's cards at a position (keyset: no OFFSET, no count of the
    whole list), cached under ``name`` and the position; an empty page past the first is
    out of range. ``queryset`` may be a callable, asked only when the page is built.
    ``count`` (a callable) is for lists whose count is bounded (a day)."""

    def build() -> Page:
        rows = queryset() if callable(queryset) else queryset
        return keyset.page(rows, before=before, after=after, size=per_page, count=count() if count else None)

    where = f"before:{before.token}" if before else f"after:{after.token}" if after else "first"
    page = remember(f"{name}:{where}", build)
    if not page.cards and (before or after):
        raise PageOutOfRange(where)
    return page


def section_page(section: Section, before=None, after=None) -> Page:
    return paginate(f"section:{section.pk}", live().filter(section=section), before=before, after=after)


def author_page(author, before=None, after=None) -> Page:
    return paginate(f"author:{author.pk}", lambda: _linked("authors", author.pk),
                    before=before, after=after)


def tag_page(tag, before=None, after=None) -> Page:
    return paginate(f"tag:{tag.pk}", lambda: _linked("tags", tag.pk), before=before, after=after)


# A tag or author with at least this many stories is listed by walking the date index and
# checking each story's link: a page of 21 is found among about 21 x archive / size stories
# (4,200 at a million for 5,000). One with fewer is listed from its links, sorted by date:
# the cost follows its size. Joined, SQLite always starts from the links, and sorted 80,000
# of a popular tag's stories for each page (seconds at a million stories).
WALK_FROM = 5000


def _linked(field: str, pk: int):
    """Live stories of one tag or author (`field` "tags" or "authors"), as a keyset page reads them."""
    relation = Article._meta.get_field(field)
    links = relation.remote_field.through.objects.filter(**{relation.m2m_reverse_name(): pk})
    if links[:WALK_FROM].count() < WALK_FROM:
        return live().filter(**{field: pk})
    return live().filter(Exists(links.filter(**{relation.m2m_column_name(): OuterRef("pk")})))


# --- the archive ------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A year, month or day of the archive with how many stories it holds."""

    start: dt.date
    count: int


def _periods(kind: str, first: dt.date, after: dt.date) -> list[Period]:
    """The local years, months or days (`kind`) in [first, after) with live stories, newest
    first: summed from the archive's day rows (content.rollup), so the cost follows the
    periods, never the stories."""
    return [Period(start, stories) for start, (stories, _) in sorted(rollup.periods(kind, first, after).items(),
                                                                     reverse=True)]


def archive_years() -> list[Period]:
    """Every year with stories, newest first, back to the oldest story."""

    def build():
        return _periods("year", dt.date.min, rollup.local_day(clock.now()) + DAY)

    return remember("archive:years", build)


def archive_months(year: int) -> list[Period]:
    def build():
        return _periods("month", dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    return remember(f"archive:{year}", build)


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def archive_days(year: int, month: int) -> list[Period]:
    first = dt.date(year, month, 1)

    def build():
        return _periods("day", first, _next_month(first))

    return remember(f"archive:{year}-{month}", build)


def archive_day_page(day: dt.date, before=None, after=None) -> Page:
    """A day's stories, 50 a page, with the day's count (one range count: a day is bounded)."""
    queryset = Article.objects.live_between(*rollup.day_range(day, day + DAY))
    return paginate(f"archive:{day.isoformat()}", queryset, before=before, after=after, per_page=50,
                    count=queryset.count)


# --- search -------------------------------------------------------------------------------
def search(query: str, filters: fulltext.Filters | None = None, page: int = 1,
           per_page: int = SEARCH_LIMIT) -> list[ArticleCard]:
    """Live stories matching the query in their headline, standfirst or body, best first.

    Cards only: a card holds no body text. Snippets, which may quote the body, are made
    by ``masthead.access.search`` from what the reader may read.
    """
    return search_cards(fulltext.find(fulltext.Query(query, filters or fulltext.Filters()), page, per_page).ids)


def search_cards(ids: list[int]) -> list[ArticleCard]:
    """Cards for these story ids in this order; a story no longer live is left out."""
    if not ids:
        return []
    # By primary key alone, live checked here: with the live() conditions in the query,
    # SQLite's planner walks the whole (status, date) index rather than look up 20 rows.
    now = clock.now()
    rows = Article.objects.filter(pk__in=ids).order_by().values_list("pk", "status", "published_at")
    shown = [pk for pk, status, published_at in rows if is_live(status, published_at, now)]
    by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=shown).order_by())}
    return [by_id[i] for i in ids if i in by_id]


# --- feeds and sitemaps -------------------------------------------------------------------
def latest_cards(section: Section | None = None, limit: int = 30) -> list[ArticleCard]:
    name = f"latest:{section.pk if section else 'all'}:{limit}"
    queryset = live() if section is None else live().filter(section=section)
    return remember(name, lambda: cards(queryset[:limit]))
