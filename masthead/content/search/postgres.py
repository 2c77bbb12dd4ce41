"""The PostgreSQL engine: a stored, weighted tsvector per live story under a GIN index.

``content_search_document`` holds, per story, the columns the filters need (so a search
never reads the wide article rows) and ``document``: the headline (weight A), standfirst
(B) and body (C) in the publication's text search configuration. Queries are read by
``websearch_to_tsquery`` (quoted phrases, -exclusions, or), ranked by ``ts_rank`` (length
normalised) with a recency boost.

Both use one text search configuration, ``masthead_search``: a copy of PostgreSQL's
configuration for the publication's language (english for en-IN) that also folds accents
(the ``unaccent`` extension, where the server has it), so "cafe" finds "café" as on
SQLite. ``configure()`` makes it (the migration, and ``reindex`` when the language changed).
"""

from __future__ import annotations

import json

from django.db import connection, transaction

from masthead.content.search import filters as sql_filters
from masthead.content.search import limits
from masthead.content.search.text import LANGUAGES, publication_language
from masthead.content.search.terms import Terms

TABLE = "content_search_document"
LIVE = ("published", "scheduled")

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        article_id integer PRIMARY KEY,
        published_at timestamp with time zone NOT NULL,
        section_id integer NOT NULL,
        access varchar(10) NOT NULL,
        document tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING gin (document)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_published ON {TABLE} (published_at)",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}", "DROP TEXT SEARCH CONFIGURATION IF EXISTS masthead_search"]

CONFIG = "masthead_search"


def configure(language: str | None = None) -> bool:
    """Make ``masthead_search`` follow `language` (the publication's, by default); True when
    it changed, and the index must then be rebuilt (reindex does it)."""
    language = language or publication_language()
    if language not in set(LANGUAGES.values()) | {"simple"}:
        raise ValueError(f"unknown text search language {language!r}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(oid, 'pg_ts_config') FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        row = cursor.fetchone()
        if row is not None and row[0] == language:
            return False
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        accents = cursor.fetchone() is not None
        if accents:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
        # `language` is one of LANGUAGES' values (checked above), never reader input.
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.{language})")
        if accents:
            stem = "simple" if language == "simple" else f"{language}_stem"
            cursor.execute(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word "
                           f"WITH unaccent, {stem}")
        cursor.execute(f"COMMENT ON TEXT SEARCH CONFIGURATION {CONFIG} IS %s", [language])
    return True


_DOCUMENT = """
    setweight(to_tsvector(%(config)s::regconfig, coalesce(a.headline, '')), 'A') ||
    setweight(to_tsvector(%(config)s::regconfig, coalesce(a.standfirst, '')), 'B') ||
    setweight(to_tsvector(%(config)s::regconfig, coalesce(a.body, '')), 'C')
"""

# The boost: x3 today, x2 a year old, towards x1 for the oldest (seconds in a year).
_SCORE = ("ts_rank(d.document, q.q, 1) * (1 + 2.0 / (1 + greatest(extract(epoch from (%s - d.published_at)), 0)"
          " / 31557600.0))")


def refresh(ids: list[int]) -> int:
    """Index these stories as they are now (dropping any no longer live); returns how many
    are indexed. One statement per batch: the text is made searchable inside PostgreSQL."""
    if not ids:
        return 0
    params = {"ids": list(ids), "config": CONFIG, "live": list(LIVE)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE article_id = ANY(%(ids)s) AND article_id NOT IN "
            "(SELECT id FROM content_article WHERE id = ANY(%(ids)s) AND status = ANY(%(live)s)"
            " AND published_at IS NOT NULL)",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {TABLE} (article_id, published_at, section_id, access, document)
            SELECT a.id, a.published_at, a.section_id, a.access, {_DOCUMENT}
            FROM content_article a
            WHERE a.id = ANY(%(ids)s) AND a.status = ANY(%(live)s) AND a.published_at IS NOT NULL
            ON CONFLICT (article_id) DO UPDATE SET published_at = EXCLUDED.published_at,
                section_id = EXCLUDED.section_id, access = EXCLUDED.access, document = EXCLUDED.document""",
            params,
        )
        return cursor.rowcount


def remove(ids: list[int]) -> None:
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(ids)])


def sweep() -> None:
    """Drop the entries of stories no longer live (deleted or withdrawn behind the index's back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} d WHERE NOT EXISTS (SELECT 1 FROM content_article a WHERE a.id = d.article_id"
            " AND a.status = ANY(%s) AND a.published_at IS NOT NULL)",
            [list(LIVE)],
        )


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


# How many more matches than CANDIDATES the window is sized to hold, against the planner's
# estimate of a query's matches being off (a window that proves short is sized again).
WINDOW_MARGIN = 2.0
# What testing one story's document costs in the walk of the date index, against one
# match's place in the GIN bitmap (measured at a million stories, warm: 3.3 us and 0.24 us).
# The walk reads CANDIDATES x stories / matches documents, the bitmap every match: a word
# in more than sqrt(CANDIDATES x WALK_COST / stories) of the stories (17% of a million) is
# found faster by the walk, at most ~40 ms either way at the crossing.
WALK_COST = 14
# Memory for one search's bitmaps. With the server's default (4 MB) the bitmap of a common
# word's matches in a million stories goes lossy, and every story on a lossy page has its
# document read again to check it: a three-word search went from 67 ms to 386 ms.
WORK_MEM = "32MB"


def find(text: str, terms: Terms, where, *, offset: int, limit: int) -> tuple[list[int], int]:
    """(ids of the page, matches counted up to MAX_RESULTS).

    Ranking reads the newest CANDIDATES matches. Where to find them: the planner's own
    estimate of the query's matches (from the column's statistics; EXPLAIN, no rows read)
    sizes a window of publication time that should hold WINDOW_MARGIN times CANDIDATES of
    them, at the archive's mean rate of stories; the GIN index and the date index are then
    ANDed as bitmaps, so only the window's matches are read from the table. Left to itself,
    the planner walked the date index and tested every story's document for a word in one
    story of a hundred: 140,000 documents read, half a second warm and tens cold. A query
    with fewer matches than the window would need reads them all; one in most stories is
    found by that walk after all (see WALK_COST), which then stops early; a window that holds
    fewer than CANDIDATES is widened (sized again from what it held, twice, then to the whole
    archive), so the result is the same as ranking the newest CANDIDATES without a window.
    """
    condition, params = sql_filters.sql(where, "d", lambda v: v, until_now=False)
    query = "(SELECT websearch_to_tsquery(%s::regconfig, %s) AS q) q"
    head = [CONFIG, text]
    with transaction.atomic(), connection.cursor() as cursor:
        walk, lower, oldest = _plan(cursor, terms, condition, [*head, *params], params, where)
        anchor = _anchor(where)
        widened = 0
        # For this search alone: the matches come from the bitmaps, or (a word in most
        # stories) from the walk of the date index.
        cursor.execute("SET LOCAL enable_bitmapscan = off" if walk else "SET LOCAL enable_indexscan = off")
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        while True:
            window, window_params = ("d.published_at >= %s AND d.published_at <= %s", [lower, where.now]) \
                if lower is not None else ("TRUE", [])
            # The newest CANDIDATES matches (in the window), then ranked: ts_rank reads each
            # document, so it runs on a bounded set whatever the word.
            cursor.execute(
                f"SELECT d.article_id, d.found FROM (SELECT d.article_id, d.published_at, d.document, "
                f"count(*) OVER () AS found FROM (SELECT d.article_id, d.published_at, d.document FROM {TABLE} d, "
                f"{query} WHERE d.document @@ q.q AND {condition} AND {window} ORDER BY d.published_at DESC "
                f"LIMIT %s) d WHERE d.published_at <= %s) d, {query} "
                f"ORDER BY {_SCORE} DESC, d.published_at DESC, d.article_id DESC LIMIT %s OFFSET %s",
                [*head, *params, *window_params, limits.CANDIDATES, where.now, *head, where.now,
                 limit, offset],
            )
            rows = cursor.fetchall()
            found = rows[0][1] if rows else None
            if lower is None or (found is not None and found >= limits.CANDIDATES):
                break
            held = found or 0
            if found is None and offset > 0:
                # Past the last page of this window: how many the window holds decides.
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} d, {query} WHERE d.document @@ q.q AND "
                    f"{condition} AND {window} LIMIT %s) t",
                    [*head, *params, *window_params, limits.CANDIDATES])
                held = cursor.fetchone()[0]
                if held >= limits.CANDIDATES:
                    break
            # The window held too few: one sized from what it held (at most twice), then all.
            widened += 1
            span = (anchor - lower) * (16 if not held else WINDOW_MARGIN * limits.CANDIDATES / held)
            lower = anchor - span if widened <= 2 and anchor - span > oldest else None
        if found is None:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} d, {query} WHERE d.document @@ q.q AND {condition} "
                f"AND {window} AND d.published_at <= %s LIMIT %s) t",
                [*head, *params, *window_params, where.now, limits.MAX_RESULTS])
            found = cursor.fetchone()[0]
    return [row[0] for row in rows], min(found, limits.MAX_RESULTS)


def _anchor(where):
    """Where a window of publication time ends: now, or the end of the reader's dates."""
    return min(where.end, where.now) if where.end is not None else where.now


def _estimate(cursor, source: str, params: list) -> float:
    """The planner's estimate of the query's matches (EXPLAIN: no row is read)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 {source}", params)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _plan(cursor, terms: Terms, condition: str, params: list, filter_params: list, where):
    """(walk the date index?, the start of the window of publication time expected to hold
    WINDOW_MARGIN x CANDIDATES matches or None for the whole archive, the oldest story's time).

    The planner estimates words that must all appear as if they were independent; the
    words of one headline are not (three from a real one: estimated 1,922, found 52,371,
    and all of them were read). So the window is sized from the rarest word's estimate, an
    upper bound on the matches, and a window that proves short is widened; the walk, which
    costs more the rarer the matches, is chosen on the joint estimate, the lower bound."""
    estimate = _estimate(cursor, f"FROM {TABLE} d, (SELECT websearch_to_tsquery(%s::regconfig, %s) AS q) q "
                                 f"WHERE d.document @@ q.q AND {condition}", params)
    ceiling = estimate
    if len(terms.groups) == 1 and len(terms.words) > 1:
        # Each word as the index holds it; a stop word ("from") holds nothing and bounds nothing.
        cursor.execute("SELECT plainto_tsquery(%s::regconfig, w)::text FROM unnest(%s::text[]) w",
                       [CONFIG, list(terms.words)])
        lexemes = [row[0] for row in cursor.fetchall() if row[0]]
        if len(lexemes) > 1:
            ceiling = max(estimate, min(
                _estimate(cursor, f"FROM {TABLE} d WHERE d.document @@ %s::tsquery AND {condition}",
                          [lexeme, *filter_params]) for lexeme in lexemes))
    cursor.execute(f"SELECT reltuples, (SELECT min(published_at) FROM {TABLE}) FROM pg_class "
                   "WHERE oid = %s::regclass", [TABLE])
    stories, oldest = cursor.fetchone()
    wanted = WINDOW_MARGIN * limits.CANDIDATES
    if oldest is None or stories <= 0 or ceiling <= wanted:
        return False, None, oldest
    if estimate * estimate >= limits.CANDIDATES * stories * WALK_COST:
        return True, None, oldest
    anchor = _anchor(where)
    if anchor <= oldest:
        return False, None, oldest
    lower = anchor - (anchor - oldest) * min(1.0, wanted / ceiling)
    if where.start is not None and where.start >= lower:
        return False, None, oldest  # the filter's own dates are narrower
    return False, lower, oldest
