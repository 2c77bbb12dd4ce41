"""The SQLite engine: an FTS5 virtual table beside the embedded default.

``content_search_text`` (FTS5, Porter stemming over unicode61 words, accents folded)
holds each live story's headline, standfirst and plain body under a rowid in publication
order (``key()``: the second it was published, then its id), so FTS5, which reads a word's
matches in rowid order, finds the newest by publication time first, whatever order the
stories were written in (an archive imported after launch has the highest ids);
``content_search_entry`` holds that key and the columns the filters need, so a search
never reads the wide article rows.

Ranking is by where the query's words are, with the same recency boost as PostgreSQL's:
each match in the headline counts 10, in the standfirst 4, and every candidate 1 for its
body (FTS5's highlight() marks the matches of those two short columns). Not FTS5's bm25:
before ranking its first row, bm25 counts every story in the archive that holds each word
(its inverse document frequency), a pass over the word's whole list whatever the
candidates: 57 ms for a word in 900,000 of a million stories, 60-110 ms for three common
words, where marking 2,000 candidates' headlines and standfirsts takes 25-35 ms. So ranking
costs what the CANDIDATES bound allows, as on PostgreSQL (whose ts_rank has no such count).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from masthead.content.search import filters as sql_filters
from masthead.content.search import limits
from masthead.content.search.terms import Terms, fts5_match
from masthead.content.search.text import plain

TEXT = "content_search_text"
ENTRY = "content_search_entry"
LIVE = ("published", "scheduled")

CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TEXT} USING fts5(
        headline, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE TABLE IF NOT EXISTS {ENTRY} (
        article_id integer PRIMARY KEY,
        key integer NOT NULL UNIQUE,
        published_at datetime NOT NULL,
        section_id integer NOT NULL,
        access varchar(10) NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {ENTRY}_published ON {ENTRY} (published_at)",
]
DROP = [f"DROP TABLE IF EXISTS {TEXT}", f"DROP TABLE IF EXISTS {ENTRY}"]

# Matches marked by highlight() (an opening mark each, no closing one), counted by length.
_MARK = "char(1)"
_MATCHES = f"(length({{col}}) - length(replace({{col}}, {_MARK}, '')))"
_SCORE = (f"(1 + 10.0 * {_MATCHES.format(col='e.h')} + 4.0 * {_MATCHES.format(col='e.s')})"
          " * (1 + 2.0 / (1 + max(julianday(%s) - julianday(e.published_at), 0) / 365.25))")


def _adapt(value):
    return connection.ops.adapt_datetimefield_value(value)


# Ids stay below this; seconds since 1970 (negative before) times it stay within 2**63
# until the year 2200.
ID_SPAN = 1_000_000_000


def key(published_at, pk: int) -> int:
    """The text table's rowid for a story: newer publication second first, then higher id."""
    if isinstance(published_at, str):  # as SQLite hands the column back: UTC, no zone
        published_at = dt.datetime.fromisoformat(published_at)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.timezone.utc)
    if not 0 < pk < ID_SPAN:
        raise ValueError(f"story id {pk} is outside the search key's range")
    return int(published_at.timestamp() // 1) * ID_SPAN + pk


def _keys_of(marks: str) -> str:
    return f"SELECT key FROM {ENTRY} WHERE article_id IN ({marks})"


def _chunks(ids, size=500):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def refresh(ids: list[int]) -> int:
    """Index these stories as they are now (dropping any no longer live); returns how many
    are indexed."""
    indexed = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TEXT} WHERE rowid IN ({_keys_of(marks)})", chunk)
            cursor.execute(f"DELETE FROM {ENTRY} WHERE article_id IN ({marks})", chunk)
            cursor.execute(
                "SELECT id, headline, standfirst, body, published_at, section_id, access FROM content_article "
                f"WHERE id IN ({marks}) AND status IN ('published', 'scheduled') AND published_at IS NOT NULL",
                chunk,
            )
            rows = cursor.fetchall()
            cursor.executemany(
                f"INSERT INTO {TEXT} (rowid, headline, standfirst, body) VALUES (%s, %s, %s, %s)",
                [(key(published_at, pk), headline, plain(standfirst), plain(body))
                 for pk, headline, standfirst, body, published_at, *_ in rows],
            )
            cursor.executemany(
                f"INSERT INTO {ENTRY} (article_id, key, published_at, section_id, access) VALUES (%s, %s, %s, %s, %s)",
                [(pk, key(published_at, pk), _adapt(published_at) if not isinstance(published_at, str) else published_at,
                  section_id, access)
                 for pk, _h, _s, _b, published_at, section_id, access in rows],
            )
            indexed += len(rows)
    return indexed


def remove(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TEXT} WHERE rowid IN ({_keys_of(marks)})", chunk)
            cursor.execute(f"DELETE FROM {ENTRY} WHERE article_id IN ({marks})", chunk)


def configure(language: str | None = None) -> bool:
    """FTS5 stems with Porter whatever the language: nothing to follow."""
    return False


def prepare(today) -> None:
    """One FTS5 table for every year: nothing to make ahead."""


def sweep() -> None:
    """Drop the entries of stories no longer live (deleted or withdrawn behind the index's back)."""
    gone = (f"FROM {ENTRY} e WHERE NOT EXISTS (SELECT 1 FROM content_article a"
            " WHERE a.id = e.article_id AND a.status IN ('published', 'scheduled') AND a.published_at IS NOT NULL)")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TEXT} WHERE rowid IN (SELECT e.key {gone})")
        cursor.execute(f"DELETE FROM {ENTRY} WHERE article_id IN (SELECT e.article_id {gone})")


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ENTRY}")
        return cursor.fetchone()[0]


def find(text: str, terms: Terms, where, *, offset: int, limit: int) -> tuple[list[int], int]:
    """(ids of the page, matches counted up to MAX_RESULTS)."""
    match = fts5_match(terms)
    condition, params = sql_filters.sql(where, "e", _adapt)
    source = f"{TEXT} JOIN {ENTRY} e ON e.key = {TEXT}.rowid"
    with connection.cursor() as cursor:
        # The newest CANDIDATES matches (FTS5 reads its lists in rowid order, the rowid is
        # in publication order, so this stops early), then ranked: a common word costs
        # what a rare one does. They are counted as they are ranked (CANDIDATES is at least
        # MAX_RESULTS), not by reading the lists a second time.
        cursor.execute(
            f"SELECT id, count(*) OVER () FROM (SELECT e.article_id AS id, e.published_at AS published_at, "
            f"highlight({TEXT}, 0, {_MARK}, '') AS h, highlight({TEXT}, 1, {_MARK}, '') AS s "
            f"FROM {source} WHERE {TEXT} MATCH %s AND {condition} "
            f"ORDER BY {TEXT}.rowid DESC LIMIT %s) e "
            f"ORDER BY {_SCORE} DESC, e.published_at DESC, e.id DESC LIMIT %s OFFSET %s",
            [match, *params, limits.CANDIDATES, _adapt(where.now), limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            return [row[0] for row in rows], min(rows[0][1], limits.MAX_RESULTS)
        if offset == 0:
            return [], 0
        # A page past the last match: the matches are still counted for the page's links.
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {TEXT} MATCH %s AND {condition} LIMIT %s)",
            [match, *params, limits.MAX_RESULTS],
        )
        return [], cursor.fetchone()[0]
