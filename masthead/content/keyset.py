"""Pages of a listing by position, not by number: the archive's long lists at any depth.

A listing is newest first, ordered by (published_at, id). A page is named by the story
next to it: ``?before=<published_at>,<id>`` (the older page after that story) or
``?after=<published_at>,<id>`` (the newer page before it). Every query is a range over a
date index with a LIMIT: page 500 of a section costs what page 1 does, where an OFFSET
would read and throw away the 10,000 stories before it, and a story published meanwhile
never shifts the next page. Stories sharing a timestamp are kept apart by their id.

    2026-06-15T04:30:00.000000Z,123     # the token: UTC microseconds, then the id

Old ``?page=N`` links are sent to the first page by the views (a number cannot be turned
into a position without counting).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q

from masthead.content.cards import ArticleCard, cards
from masthead.content.models import Article

UTC = dt.timezone.utc
TOKEN = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6})Z,(\d{1,12})$")


class BadPosition(ValueError):
    """A ?before= / ?after= value Masthead did not write (the view answers 404)."""


@dataclass(frozen=True)
class Position:
    """A story's place in a listing: its publication time and id."""

    published_at: dt.datetime
    pk: int

    @property
    def token(self) -> str:
        return f"{self.published_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}Z,{self.pk}"

    @classmethod
    def parse(cls, raw: str) -> Position:
        found = TOKEN.match(raw or "")
        if found is None:
            raise BadPosition(raw)
        try:
            moment = dt.datetime.fromisoformat(found.group(1)).replace(tzinfo=UTC)
        except ValueError as exc:  # 2026-02-30 has the shape of a date
            raise BadPosition(raw) from exc
        return cls(moment, int(found.group(2)))


@dataclass(frozen=True)
class Page:
    """One page of a listing, in a form that caches (no querysets inside).

    ``older`` is the query string of the next (older) page, "" on the last page; ``newer``
    that of the previous (newer) page, "" on the first page and when the previous page is
    the first (``newer_is_first``: the listing's own address, no cursor)."""

    cards: list[ArticleCard]
    older: str = ""
    newer: str = ""
    newer_is_first: bool = False
    count: int | None = None  # only where it is a bounded count (an archive day)

    @property
    def is_first(self) -> bool:
        return not self.newer and not self.newer_is_first

    @property
    def has_previous(self) -> bool:
        return not self.is_first

    @property
    def has_next(self) -> bool:
        return bool(self.older)


def _older_than(position: Position) -> Q:
    # A range the date index answers (published_at <= t) minus the stories at t with a
    # larger or equal id; written so, not as an OR, so the planner keeps to the range.
    return Q(published_at__lte=position.published_at) & ~Q(published_at=position.published_at,
                                                            pk__gte=position.pk)


def _newer_than(position: Position) -> Q:
    return Q(published_at__gte=position.published_at) & ~Q(published_at=position.published_at,
                                                            pk__lte=position.pk)


def _positions(queryset) -> list[Position]:
    return [Position(moment, pk) for pk, moment in queryset.values_list("pk", "published_at")]


def page(queryset, *, before: Position | None = None, after: Position | None = None, size: int = 20,
         count: int | None = None) -> Page:
    """The page of `queryset` (live stories) older than `before`, newer than `after`, or the
    newest; `count` is passed through for the page to show. Every query is one range with
    a LIMIT. An ``after`` position within the newest page gives the newest page itself."""
    newest_first = queryset.order_by("-published_at", "-pk")
    oldest_first = queryset.order_by("published_at", "pk")
    if after is not None:
        # This page and, beyond it, enough to know whether the page before it is the first.
        rows = _positions(oldest_first.filter(_newer_than(after))[:2 * size + 1])
        if len(rows) <= size:  # nothing newer than this page: it is the first page
            return page(queryset, size=size, count=count)
        shown = list(reversed(rows[:size]))
        older = newest_first.filter(_older_than(shown[-1])).exists()
        return _page(shown, newer_count=len(rows) - size, older=older, size=size, count=count)
    if before is not None:
        rows = _positions(newest_first.filter(_older_than(before))[:size + 1])
        shown = rows[:size]
        newer_count = len(oldest_first.filter(_newer_than(shown[0]))[:size + 1].values_list("pk")) if shown else 0
        return _page(shown, newer_count=newer_count, older=len(rows) > size, size=size, count=count)
    rows = _positions(newest_first[:size + 1])
    return _page(rows[:size], newer_count=0, older=len(rows) > size, size=size, count=count)


def _page(shown: list[Position], *, newer_count: int, older: bool, size: int, count: int | None) -> Page:
    """`newer_count`: the stories newer than this page, counted up to size + 1."""
    ids = [p.pk for p in shown]
    by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=ids).order_by())}
    return Page(
        cards=[by_id[i] for i in ids if i in by_id],
        older=f"?before={shown[-1].token}" if older and shown else "",
        newer=f"?after={shown[0].token}" if newer_count > size else "",
        newer_is_first=0 < newer_count <= size,
        count=count,
    )
