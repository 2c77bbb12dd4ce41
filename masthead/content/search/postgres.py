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

The table is partitioned by the year of publication (UTC), one partition a year, made
when a story of that year is first indexed (``ensure_years``; the nightly job makes next
year's ahead, ``prepare()``). A search of recent matches reads the indexes of the years its
window spans: at a million stories, three common words' newest matches in one partitioned
index read 4,000 rows where one index for the whole archive read 51,000 and dropped the
older ones (332 -> 40 ms for that query).
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
        article_id integer NOT NULL,
        published_at timestamp with time zone NOT NULL,
        section_id integer NOT NULL,
        access varchar(10) NOT NULL,
        document tsvector NOT NULL
    ) PARTITION BY RANGE (published_at)""",
    # Declared once here, made in every partition by PostgreSQL.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING gin (document)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_published ON {TABLE} (published_at)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_article ON {TABLE} (article_id)",
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


def partition_years(cursor) -> set[int]:
    cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = %s::regclass", [TABLE])
    return {int(name.rsplit("_", 1)[1]) for (name,) in cursor.fetchall()}


def ensure_years(cursor, years) -> None:
    """Make the partitions for these years of publication, one maker at a time (a lock for
    the transaction, so a second maker waits and then finds them made)."""
    missing = {int(year) for year in years} - partition_years(cursor)
    if not missing:
        return
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
    for year in sorted(missing - partition_years(cursor)):
        # `year` is an int from a timestamp, never reader input.
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE}_{year:04d} PARTITION OF {TABLE} "
                       f"FOR VALUES FROM ('{year:04d}-01-01 00:00:00+00') TO ('{year + 1:04d}-01-01 00:00:00+00')")


def prepare(today) -> None:
    """This year's partition and next year's, ahead of the first story of the year (making
    one locks the table for a moment; better at night than in an editor's save)."""
    with transaction.atomic(), connection.cursor() as cursor:
        ensure_years(cursor, [today.year, today.year + 1])


def refresh(ids: list[int]) -> int:
    """Index these stories as they are now (dropping any no longer live); returns how many
    are indexed. The text is made searchable inside PostgreSQL, a batch a statement.

    A story's entry moves partition when its publication year changes, so an entry is
    deleted and inserted again rather than updated in place; the stories' rows are locked
    first (in id order), so two refreshes of one story take turns and never leave two
    entries."""
    if not ids:
        return 0
    params = {"ids": sorted(set(ids)), "config": CONFIG, "live": list(LIVE)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(year FROM a.published_at AT TIME ZONE 'UTC')::int, a.status = ANY(%(live)s) "
            "FROM content_article a WHERE a.id = ANY(%(ids)s) ORDER BY a.id FOR NO KEY UPDATE",
            params,
        )
        ensure_years(cursor, {year for year, live in cursor.fetchall() if live and year is not None})
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%(ids)s)", params)
        cursor.execute(
            f"""INSERT INTO {TABLE} (article_id, published_at, section_id, access, document)
            SELECT a.id, a.published_at, a.section_id, a.access, {_DOCUMENT}
            FROM content_article a
            WHERE a.id = ANY(%(ids)s) AND a.status = ANY(%(live)s) AND a.published_at IS NOT NULL""",
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

    Ranking reads the newest CANDIDATES matches. Where to find them: an estimate of the
    query's matches (``_expected``: the column's statistics, or EXPLAIN; no rows read) sizes
    a window of publication time that should hold WINDOW_MARGIN times CANDIDATES of them, at
    the archive's mean rate of stories; only the partitions of the years the window spans
    are read, their GIN bitmaps filtered by the window's dates. Left to itself, the planner
    walked the date index and tested every story's document for a word in one story of a
    hundred: 140,000 documents read, half a second warm and tens cold. A query with fewer
    matches than the window would need reads them all; one in most stories is found by that
    walk after all (see WALK_COST), which then stops early; a window that holds fewer than
    CANDIDATES is widened (sized again from what it held, twice, then to the whole archive),
    so the result is the same as ranking the newest CANDIDATES without a window.
    """
    condition, params = sql_filters.sql(where, "d", lambda v: v, until_now=False)
    query = "(SELECT websearch_to_tsquery(%s::regconfig, %s) AS q) q"
    head = [CONFIG, text]
    with transaction.atomic(), connection.cursor() as cursor:
        walk, lower, oldest = _plan(cursor, terms, condition, [*head, *params], where)
        anchor = _anchor(where)
        widened = 0
        # For this search alone: the matches come from the bitmaps, or (a word in most
        # stories) from the walk of the date index; never from reading a whole partition
        # (the planner prices testing a document at a fraction of its cost, 3.5 us: for
        # three common words in one year's 30,000 stories it read them all, 107 ms against
        # 14 from the bitmaps).
        cursor.execute("SET LOCAL enable_bitmapscan = off" if walk else "SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
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


def _shares(cursor, words) -> tuple[list[float], float, object]:
    """(each word's share of the stories as the planner reckons it, the stories indexed,
    the oldest one's time), in one statement.

    The shares come from the column's statistics (its most common lexemes and their
    shares; a lexeme not among them: half the least common's share, at most 0.5%, the
    planner's own rule); no share when the table was never analysed. Asking the planner
    word by word (EXPLAIN) costs 10-20 ms a word on a table of thirty partitions."""
    cursor.execute(
        """WITH s AS (SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f FROM pg_stats
                      WHERE schemaname = current_schema() AND tablename = %s AND attname = 'document' AND inherited),
                w AS (SELECT DISTINCT t.lexeme FROM unnest(%s::text[]) x, unnest(to_tsvector(%s::regconfig, x)) t)
           SELECT (SELECT array_agg(coalesce(s.f[array_position(s.e, w.lexeme)],
                                             least(0.005, s.f[cardinality(s.e) + 1] / 2))) FROM w, s),
                  (SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_inherits i
                   JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass),
                  (SELECT min(published_at) FROM """ + TABLE + ")",
        [TABLE, list(words), CONFIG, TABLE],
    )
    shares, stories, oldest = cursor.fetchone()
    return [float(share) for share in shares or []], float(stories), oldest


def _expected(cursor, condition: str, params: list, shares: list[float], stories: float) -> float:
    """The query's matches as the planner would estimate them: from the words' shares when
    the query is words that must all appear and nothing filters it (the planner's own
    arithmetic, without planning thirty partitions: 4-6 ms), else by EXPLAIN (no shares are
    given for a query of phrases, "or" or exclusions)."""
    if condition == "TRUE" and shares and stories > 0:
        expected = stories
        for share in shares:
            expected *= share
        return expected
    return _estimate(cursor, f"FROM {TABLE} d, (SELECT websearch_to_tsquery(%s::regconfig, %s) AS q) q "
                             f"WHERE d.document @@ q.q AND {condition}", params)


def _plan(cursor, terms: Terms, condition: str, params: list, where):
    """(walk the date index?, the start of the window of publication time expected to hold
    WINDOW_MARGIN x CANDIDATES matches or None for the whole archive, the oldest story's time).

    The planner estimates words that must all appear as if they were independent; the
    words of one headline are not (three from a real one: estimated 1,922, found 52,371,
    and all of them were read). So the window is sized from the rarest word's share (with
    the filters' part of the joint estimate), an upper bound on the matches, and a window
    that proves short is widened; the walk, which costs more the rarer the matches, is
    chosen on the joint estimate, the lower bound."""
    # One group (no "or"): every word of it must appear, so each bounds the matches.
    shares, stories, oldest = _shares(cursor, terms.words if len(terms.groups) == 1 else [])
    words_only = len(terms.groups) == 1 and not terms.excluded and all(len(p) == 1 for p in terms.groups[0])
    estimate = _expected(cursor, condition, params, shares if words_only else [], stories)
    ceiling = estimate
    if len(shares) > 1 and stories > 0 and all(share > 0 for share in shares):
        # A stop word ("from") is no lexeme and bounds nothing. The filters' share: what the
        # joint estimate keeps of the words' own (1 without filters).
        joint = stories
        for share in shares:
            joint *= share
        kept = 1.0 if condition == "TRUE" else min(1.0, estimate / joint)
        ceiling = max(estimate, stories * min(shares) * kept)
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
