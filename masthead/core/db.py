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
