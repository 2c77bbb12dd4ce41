"""The SQL meter store (the default), on SQLite or PostgreSQL.

Why it never over-serves: every count happens inside one transaction that first takes
the reader-period row's lock. On PostgreSQL the row is created if missing
(INSERT ... ON CONFLICT DO NOTHING) and locked with SELECT ... FOR UPDATE, so concurrent
requests for one reader queue on that row and each sees the previous one's count. On
SQLite the database runs transactions as BEGIN IMMEDIATE (settings), which takes the
write lock at BEGIN: one writer at a time, the same effect. The unique constraint on
(reader, period, item) backs it up: an item is never counted twice.

A re-read of a counted item, the common case, needs no lock: reads are only ever added
within a period, so one plain SELECT (outside any transaction) can answer it.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, transaction

from masthead.access.meter.base import MeterResult, MeterStore, remaining
from masthead.core import clock


def _models():
    from masthead.access.models import MeterPeriod, MeterRead

    return MeterPeriod, MeterRead


class SqlMeterStore(MeterStore):
    """Hand-written SQL on the hot path (the ORM's query building cost more than the query);
    the statements are plain SQL that SQLite (3.24+) and PostgreSQL both run."""

    def __init__(self, using: str = "default"):
        self.using = using
        MeterPeriod, MeterRead = _models()
        periods, reads = MeterPeriod._meta.db_table, MeterRead._meta.db_table
        self._sql_peek = (
            f"SELECT p.used, EXISTS(SELECT 1 FROM {reads} r WHERE r.reader_key = %s AND r.period_key = %s "
            f"AND r.item_id = %s) FROM {periods} p WHERE p.reader_key = %s AND p.period_key = %s"
        )
        self._sql_add_period = (
            f"INSERT INTO {periods} (reader_key, period_key, used) VALUES (%s, %s, 0) "
            "ON CONFLICT (reader_key, period_key) DO NOTHING"
        )
        self._sql_lock = f"SELECT used FROM {periods} WHERE reader_key = %s AND period_key = %s"
        self._sql_add_read = (
            f"INSERT INTO {reads} (reader_key, period_key, item_id, read_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (reader_key, period_key, item_id) DO NOTHING"
        )
        self._sql_count = f"UPDATE {periods} SET used = used + 1 WHERE reader_key = %s AND period_key = %s"
        self._sql_counted = (
            f"SELECT EXISTS(SELECT 1 FROM {reads} WHERE reader_key = %s AND period_key = %s AND item_id = %s)"
        )

    def _peek(self, reader_key: str, period_key: str, item_id: int) -> tuple[int, bool] | None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self._sql_peek, [reader_key, period_key, item_id, reader_key, period_key])
            row = cursor.fetchone()
        return (int(row[0]), bool(row[1])) if row else None

    def _lock(self, reader_key: str, period_key: str):
        MeterPeriod, _ = _models()
        manager = MeterPeriod.objects.using(self.using)
        manager.bulk_create([MeterPeriod(reader_key=reader_key, period_key=period_key)], ignore_conflicts=True)
        return manager.select_for_update().get(reader_key=reader_key, period_key=period_key)

    def check_and_count(self, reader_key, period_key, item_id, limit, *, expires_at=None) -> MeterResult:
        peeked = self._peek(reader_key, period_key, item_id)
        if peeked is not None and peeked[1]:
            used = peeked[0]
            return MeterResult(True, False, True, used, remaining(limit, used))
        if peeked is not None and peeked[0] >= limit:
            # Refusals need no lock either: the count only ever grows within a period.
            used = peeked[0]
            return MeterResult(False, False, False, used, 0)
        connection = connections[self.using]
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            return self._count_on_server(connection, reader_key, period_key, item_id, limit)
        lock = self._sql_lock + (" FOR UPDATE" if connection.features.has_select_for_update else "")
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Durability traded for latency, for this transaction only: a server crash
                # may forget the last fraction of a second of counts (a reader gets an extra
                # free read). Isolation is untouched: the row lock still serialises readers.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(self._sql_add_period, [reader_key, period_key])
            cursor.execute(lock, [reader_key, period_key])
            used = int(cursor.fetchone()[0])
            if used < limit:
                cursor.execute(self._sql_add_read, [reader_key, period_key, item_id,
                                                    connection.ops.adapt_datetimefield_value(clock.now())])
                if cursor.rowcount == 1:
                    cursor.execute(self._sql_count, [reader_key, period_key])
                    return MeterResult(True, True, False, used + 1, remaining(limit, used + 1))
                return MeterResult(True, False, True, used, remaining(limit, used))
            cursor.execute(self._sql_counted, [reader_key, period_key, item_id])
            if cursor.fetchone()[0]:
                return MeterResult(True, False, True, used, remaining(limit, used))
            return MeterResult(False, False, False, used, 0)

    def _count_on_server(self, connection, reader_key, period_key, item_id, limit) -> MeterResult:
        """PostgreSQL: the same steps in one function call (migration 0002), one round trip.
        Outside a transaction only, so the function's statement is its own transaction."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT allowed, counted_now, already_counted, used FROM access_meter_check_and_count(%s, %s, %s, %s, %s)",
                [reader_key, period_key, item_id, limit, clock.now()],
            )
            allowed, counted_now, already, used = cursor.fetchone()
        return MeterResult(bool(allowed), bool(counted_now), bool(already), int(used), remaining(limit, int(used)))

    def used(self, reader_key, period_key) -> int:
        MeterPeriod, _ = _models()
        row = (
            MeterPeriod.objects.using(self.using)
            .filter(reader_key=reader_key, period_key=period_key)
            .values_list("used", flat=True)
            .first()
        )
        return row or 0

    def items(self, reader_key, period_key) -> list[int]:
        _, MeterRead = _models()
        return sorted(
            MeterRead.objects.using(self.using)
            .filter(reader_key=reader_key, period_key=period_key)
            .values_list("item_id", flat=True)
        )

    def merge(self, from_key, to_key, period_key, limit, *, expires_at=None) -> MeterResult:
        _, MeterRead = _models()
        reads = MeterRead.objects.using(self.using)
        with transaction.atomic(using=self.using):
            period = self._lock(to_key, period_key)
            theirs = list(reads.filter(reader_key=from_key, period_key=period_key).values_list("item_id", "read_at"))
            reads.bulk_create(
                [MeterRead(reader_key=to_key, period_key=period_key, item_id=i, read_at=at) for i, at in theirs],
                ignore_conflicts=True,
            )
            period.used = reads.filter(reader_key=to_key, period_key=period_key).count()
            period.save(update_fields=["used"])
        return MeterResult(period.used < limit, False, False, period.used, remaining(limit, period.used))

    def forget(self, reader_key, period_keys) -> None:
        MeterPeriod, MeterRead = _models()
        with transaction.atomic(using=self.using):
            # Every period, not only those named: SQL rows do not expire on their own.
            MeterRead.objects.using(self.using).filter(reader_key=reader_key).delete()
            MeterPeriod.objects.using(self.using).filter(reader_key=reader_key).delete()

    def purge_before(self, moment: dt.datetime) -> int:
        """Delete reads older than `moment` (periods long over); returns how many."""
        MeterPeriod, MeterRead = _models()
        with transaction.atomic(using=self.using):
            old = MeterRead.objects.using(self.using).filter(read_at__lt=moment)
            stale = set(old.values_list("reader_key", "period_key").distinct())
            deleted, _ = old.delete()
            # A period whose reads are all gone goes too.
            for reader_key, period_key in stale:
                if not MeterRead.objects.using(self.using).filter(reader_key=reader_key, period_key=period_key).exists():
                    MeterPeriod.objects.using(self.using).filter(reader_key=reader_key, period_key=period_key).delete()
        return deleted
