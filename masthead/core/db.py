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


def refresh_planner_statistics(*, after_bulk_load: bool = False) -> None:
    """Let the query planner see the tables as they now are (after a bulk import, and
    nightly). On SQLite, without statistics the planner sorts every live story for a
    front page rather than read the date index in order; a sampled ANALYZE (at most 1,000
    rows an index) takes a moment at any size. PostgreSQL's autovacuum keeps its own
    statistics; an ANALYZE here makes them current sooner, and after a bulk load a VACUUM
    sets the visibility map (without it an index-only count visits every row), outside
    any transaction."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
        elif after_bulk_load and connection.get_autocommit():
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
