"""Full-text search over the archive: one small interface, two engines.

    results = search.find(Query("monsoon rain", Filters(section="india")), page=1)
    results.ids        # the page's story ids, best first (relevance, then recency)
    results.has_next   # another page follows
    results.total      # how many match, counted up to MAX_RESULTS

The engine follows the database in use: PostgreSQL full-text search (a stored, weighted
``tsvector`` per story under a GIN index, ``websearch_to_tsquery`` in the publication's
language) or SQLite FTS5 (a virtual table beside the embedded default). Both keep only
live and scheduled stories and answer the same contract (tests/search/test_contract.py).

The index holds the body so readers find stories by their full text; it never hands text
back. What a result may show (its snippet) is decided above content, by access, from what
the reader may read (``masthead.access.search``). The index is kept by the content actions
and by the receivers for every other save and delete (``index.py``); ``masthead search
reindex`` rebuilds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from masthead.content.search import postgres, sqlite
from masthead.content.search.filters import resolved
from masthead.content.search.limits import CANDIDATES, MAX_RESULTS, PER_PAGE
from masthead.content.search.terms import Terms, parse

__all__ = ["CANDIDATES", "MAX_RESULTS", "PER_PAGE", "Filters", "Query", "Results", "engine", "find"]


@dataclass(frozen=True)
class Filters:
    """What narrows a search. Dates are the publication's local calendar days, inclusive.

    `access` is "", "free" or "premium"; the publisher's always-free and always-premium
    sections and tags (access's rules; its market analysis sections are premium) come in
    `free_sections` / `premium_sections` / `free_tags` / `premium_tags`.
    """

    section: str = ""
    author: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    access: str = ""
    free_sections: frozenset[str] = frozenset()
    premium_sections: frozenset[str] = frozenset()
    free_tags: frozenset[str] = frozenset()
    premium_tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Query:
    text: str
    filters: Filters = field(default_factory=Filters)

    def __post_init__(self):
        # What a reader typed, as any engine takes it: PostgreSQL's text holds no NUL.
        object.__setattr__(self, "text", self.text.replace("\x00", " "))

    @property
    def terms(self) -> Terms:
        return parse(self.text)


@dataclass(frozen=True)
class Results:
    """One page of ranked story ids."""

    ids: list[int]
    page: int
    per_page: int
    total: int  # capped at MAX_RESULTS
    terms: Terms

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def capped(self) -> bool:
        return self.total >= MAX_RESULTS


def engine():
    """The engine for the database in use (PostgreSQL or SQLite FTS5)."""
    return postgres if connection.vendor == "postgresql" else sqlite


def find(query: Query, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """Page ``page`` of the live stories matching ``query``, best first.

    Ranking: the engine's relevance (a headline match weighs most, then the standfirst,
    then the body), boosted for recent stories: today x3, a year old x2, very old x1,
    among the newest CANDIDATES matches.
    """
    terms = query.terms
    if terms.empty or page < 1 or (page - 1) * per_page >= MAX_RESULTS:
        return Results([], page, per_page, 0, terms)
    where = resolved(query.filters)
    if where is None:  # a section or author that does not exist
        return Results([], page, per_page, 0, terms)
    ids, total = engine().find(query.text, terms, where, offset=(page - 1) * per_page, limit=per_page)
    return Results(ids, page, per_page, total, terms)
