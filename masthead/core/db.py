"""Database helpers shared by every app."""

from __future__ import annotations

from django.db import IntegrityError


def is_unique_violation(exc: BaseException) -> bool:
    """True when an IntegrityError is a unique-constraint clash, on SQLite or PostgreSQL.

    One helper instead of a try/except per database in every caller.
    """
    if not isinstance(exc, IntegrityError):
        return False
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if sqlstate:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(cause)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


# Index entries a sampled SQLite ANALYZE reads per index.
SQLITE_SAMPLE = 1000


def _exact_for_few_values(cursor) -> None:
    """Count exactly the indexes that lead with a column of few values (a status, a flag,
    a section). A sample of SQLITE_SAMPLE entries sees two statuses and reports ~500 rows
    per status however many there are, so at a million stories the planner believes
    "status IN (published, scheduled)" picks 0.1% of the archive and sorts every live story
    for a front page instead of reading the date index in order. An exact pass over such an
    index is one read of it (a fraction of a second at a million rows)."""
    cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL")
    few = [idx for idx, stat in cursor.fetchall()
           if len(stat.split()) > 1 and stat.split()[1].isdigit() and int(stat.split()[1]) >= SQLITE_SAMPLE // 10]
    if not few:
        return
    cursor.execute("PRAGMA analysis_limit = 0")
    for idx in few:
        # Index names come from the schema, never from input; quoted as identifiers.
        cursor.execute('ANALYZE "%s"' % idx.replace('"', '""'))
    cursor.execute(f"PRAGMA analysis_limit = {SQLITE_SAMPLE}")


def refresh_planner_statistics(*, after_bulk_load: bool = False) -> None:
    """Let the query planner see the tables as they now are (after a bulk import, and
    nightly). On SQLite, without statistics the planner sorts every live story for a
    front page rather than read the date index in order; a sampled ANALYZE (at most 1,000
    rows an index) takes a moment at any size, then the indexes leading with a column of
    few values are counted exactly (see _exact_for_few_values). PostgreSQL's autovacuum keeps its own
    statistics; an ANALYZE here makes them current sooner, and after a bulk load a VACUUM
    sets the visibility map (without it an index-only count visits every row), outside
    any transaction."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_SAMPLE}")
            cursor.execute("ANALYZE")
            _exact_for_few_values(cursor)
        elif after_bulk_load and connection.get_autocommit():
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
