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

from django.db import transaction
from django.db.models import Exists, OuterRef

from masthead.access.meter.base import MeterResult, MeterStore, remaining
from masthead.core import clock


def _models():
    from masthead.access.models import MeterPeriod, MeterRead

    return MeterPeriod, MeterRead


class SqlMeterStore(MeterStore):
    def __init__(self, using: str = "default"):
        self.using = using

    def _peek(self, reader_key: str, period_key: str, item_id: int) -> tuple[int, bool] | None:
        MeterPeriod, MeterRead = _models()
        counted = MeterRead.objects.using(self.using).filter(
            reader_key=OuterRef("reader_key"), period_key=OuterRef("period_key"), item_id=item_id
        )
        row = (
            MeterPeriod.objects.using(self.using)
            .filter(reader_key=reader_key, period_key=period_key)
            .annotate(counted=Exists(counted))
            .values_list("used", "counted")
            .first()
        )
        return row

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
        MeterPeriod, MeterRead = _models()
        with transaction.atomic(using=self.using):
            period = self._lock(reader_key, period_key)
            reads = MeterRead.objects.using(self.using)
            if reads.filter(reader_key=reader_key, period_key=period_key, item_id=item_id).exists():
                return MeterResult(True, False, True, period.used, remaining(limit, period.used))
            if period.used >= limit:
                return MeterResult(False, False, False, period.used, 0)
            reads.create(reader_key=reader_key, period_key=period_key, item_id=item_id, read_at=clock.now())
            period.used += 1
            period.save(update_fields=["used"])
        return MeterResult(True, True, False, period.used, remaining(limit, period.used))

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
        deleted, _ = MeterRead.objects.using(self.using).filter(read_at__lt=moment).delete()
        return deleted
