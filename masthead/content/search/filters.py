"""Filters as both engines apply them: plain values resolved once (ids, UTC instants)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from masthead.content.models import Author, Section, Tag
from masthead.content.publication import current_publication
from masthead.core import clock


@dataclass(frozen=True)
class Where:
    now: dt.datetime
    section_id: int | None = None
    author_id: int | None = None
    start: dt.datetime | None = None  # inclusive
    end: dt.datetime | None = None  # exclusive
    access: str = ""
    premium_section_ids: tuple[int, ...] = ()
    free_section_ids: tuple[int, ...] = ()
    premium_tag_ids: tuple[int, ...] = ()
    free_tag_ids: tuple[int, ...] = ()


def resolved(filters) -> Where | None:
    """The filters with slugs and local days turned into ids and instants; None when a
    named section or author does not exist (nothing can match)."""
    zone = current_publication().zone
    section_id = author_id = None
    if filters.section:
        section_id = Section.objects.filter(slug=filters.section).values_list("pk", flat=True).first()
        if section_id is None:
            return None
    if filters.author:
        author_id = Author.objects.filter(slug=filters.author).values_list("pk", flat=True).first()
        if author_id is None:
            return None
    start = dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone) if filters.since else None
    end = (dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
           if filters.until else None)
    premium_ids: tuple[int, ...] = ()
    free_ids: tuple[int, ...] = ()
    premium_tags: tuple[int, ...] = ()
    free_tags: tuple[int, ...] = ()
    if filters.access:
        sections = list(Section.objects.values_list("pk", "slug", "is_premium"))
        premium_ids = tuple(pk for pk, slug, flag in sections if flag or slug in filters.premium_sections)
        free_ids = tuple(pk for pk, slug, _ in sections if slug in filters.free_sections and pk not in premium_ids)
        named = filters.premium_tags | filters.free_tags
        tags = list(Tag.objects.filter(slug__in=named).values_list("pk", "slug")) if named else []
        premium_tags = tuple(sorted(pk for pk, slug in tags if slug in filters.premium_tags))
        free_tags = tuple(sorted(pk for pk, slug in tags if slug in filters.free_tags))
    return Where(clock.now(), section_id, author_id, start, end, filters.access, premium_ids, free_ids,
                 premium_tags, free_tags)


def sql(where: Where, alias: str, param, *, until_now: bool = True) -> tuple[str, list]:
    """The filters as SQL over the entry columns (`alias`.published_at, section_id, access)
    with `param(value)` adapting a value; the access rule is the one access applies to
    sections (always-premium wins over always-free, both over the story's own level).
    `until_now=False` leaves out "published by now" for the caller to apply (PostgreSQL
    would otherwise AND a bitmap of nearly every story with the word's)."""
    clauses = [f"{alias}.published_at <= %s"] if until_now else ["TRUE"]
    params: list = [param(where.now)] if until_now else []
    if where.section_id is not None:
        clauses.append(f"{alias}.section_id = %s")
        params.append(where.section_id)
    if where.author_id is not None:
        clauses.append(f"{alias}.article_id IN (SELECT article_id FROM content_article_authors WHERE author_id = %s)")
        params.append(where.author_id)
    if where.start is not None:
        clauses.append(f"{alias}.published_at >= %s")
        params.append(param(where.start))
    if where.end is not None:
        clauses.append(f"{alias}.published_at < %s")
        params.append(param(where.end))
    # access.decision.effective_access as SQL: an always-premium section or tag wins over
    # an always-free one, and both over the story's own level.
    premium = _any(_in(f"{alias}.section_id", where.premium_section_ids), _tagged(alias, where.premium_tag_ids))
    free = _any(_in(f"{alias}.section_id", where.free_section_ids), _tagged(alias, where.free_tag_ids))
    if where.access == "premium":
        clauses.append(f"({premium} OR ({alias}.access = 'premium' AND NOT {free}))")
    elif where.access == "free":
        clauses.append(f"(NOT {premium} AND ({alias}.access = 'free' OR {free}))")
    return " AND ".join(clauses), params


def _any(*conditions: str) -> str:
    kept = [c for c in conditions if c != NOTHING]
    return f"({' OR '.join(kept)})" if kept else NOTHING


def _tagged(alias: str, tag_ids: tuple[int, ...]) -> str:
    """The story carries one of these tags (the tag table's (article, tag) index answers it)."""
    if not tag_ids:
        return NOTHING
    return (f"EXISTS (SELECT 1 FROM content_article_tags t WHERE t.article_id = {alias}.article_id"
            f" AND {_in('t.tag_id', tag_ids)})")


NOTHING = "(1 = 0)"


def _in(column: str, ids: tuple[int, ...]) -> str:
    # Ids are integers from the database, never reader input.
    if not ids:
        return NOTHING
    return f"{column} IN ({', '.join(str(int(i)) for i in ids)})"
