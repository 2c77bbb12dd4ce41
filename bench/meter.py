"""Meter decisions per second per store, in-process: SQL on SQLite, SQL on PostgreSQL
(when reachable), Redis (when reachable); p50/p99 of one decision; bytes per reader-month.

    python bench/meter.py            # prints a Markdown table
    from bench import meter; meter.run()  -> list[dict]   (bench/run.py)

Each decision is the whole `access.decide()` a page makes for an anonymous metered read:
the pure classification, one check-and-count on the store, the pure decision. Two
workloads per store: a new read (counted now: the store writes) and a re-read of an
article already counted (the common case: the store only reads).

Environment: MASTHEAD_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/mh_access),
MASTHEAD_BENCH_REDIS_URL (default redis://127.0.0.1:6379/2), MASTHEAD_BENCH_QUICK=1 for a short run.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ALIAS = "meter_bench_pg"
READS_PER_READER = 5  # one reader-month at the default free_limit


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _measure(store, label: str, n: int) -> list[dict]:
    """n new reads (n/5 readers x 5 articles), then n re-reads of those same articles."""
    from masthead.access.decision import Access, ItemFacts, ReaderFacts, Rules
    from masthead.access.reader import Reader
    from masthead.access.service import decide

    rules = Rules(free_limit=READS_PER_READER, archive_days=0)
    now = dt.datetime.now(dt.timezone.utc)
    run = uuid.uuid4().hex[:6]
    readers = [Reader(ReaderFacts(f"a:b{run}{i:07d}")) for i in range(max(1, n // READS_PER_READER))]
    items = [ItemFacts(100000 + j, Access.METERED, "news") for j in range(READS_PER_READER)]
    work = [(r, it) for r in readers for it in items]
    rows = []
    for workload in ("new read (counted now)", "re-read (already counted)"):
        samples = []
        started = time.perf_counter()
        for reader, item in work:
            t0 = time.perf_counter_ns()
            decision = decide(reader, item, now, benefits=frozenset(), rules=rules, store=store)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
            assert decision.granted, decision
        elapsed = time.perf_counter() - started
        rows.append({
            "measure": f"meter decision, {label}: {workload}",
            "decisions_per_s": round(len(work) / elapsed, 1),
            "p50_ms": round(statistics.median(samples), 3),
            "p99_ms": round(_percentile(samples, 0.99), 3),
            "decisions": len(work),
        })
    return rows


def _funnel_quiet():
    # The funnel buffer is not what is measured; keep it from flushing mid-run.
    from masthead.access import funnel

    funnel.discard()
    funnel.FLUSH_EVENTS = 10**9
    funnel.FLUSH_SECONDS = 10**9


def _migrate(alias: str) -> None:
    from django.core.management import call_command

    call_command("migrate", database=alias, verbosity=0, interactive=False)


def _pg_bytes_per_reader_month(store, alias: str, readers: int = 2000) -> int:
    """Table + index growth per reader-month (1 period row, 5 read rows), PostgreSQL."""
    from django.db import connections

    def size() -> int:
        with connections[alias].cursor() as cur:
            cur.execute("VACUUM ANALYZE access_meterread")
            cur.execute("VACUUM ANALYZE access_meterperiod")
            cur.execute("SELECT pg_total_relation_size('access_meterread') + "
                        "pg_total_relation_size('access_meterperiod')")
            return cur.fetchone()[0]

    before = size()
    run = uuid.uuid4().hex[:6]
    for i in range(readers):
        for j in range(READS_PER_READER):
            store.check_and_count(f"a:s{run}{i:09d}", "2099-01", 100000 + j, READS_PER_READER)
    return round((size() - before) / readers)


def _pg_row_bytes(alias: str) -> int:
    from django.db import connections

    with connections[alias].cursor() as cur:
        cur.execute("SELECT avg(pg_column_size(r.*)) FROM access_meterread r")
        read = float(cur.fetchone()[0] or 0)
        cur.execute("SELECT avg(pg_column_size(p.*)) FROM access_meterperiod p")
        period = float(cur.fetchone()[0] or 0)
    return round(period + READS_PER_READER * read)


def _redis_bytes_per_reader_month(store) -> int:
    key = "a:" + "x" * 16  # the real key: a 16-character meter id
    for j in range(READS_PER_READER):
        store.check_and_count(key, "2099-01", 100000 + j, READS_PER_READER)
    used = store.memory_usage(key, "2099-01")
    store.forget(key, ["2099-01"])
    return used


def run(n: int | None = None) -> list[dict]:
    """Benchmark every reachable store; returns one dict per (store, workload)."""
    _setup_django()
    from django.conf import settings
    from django.db import connections

    from masthead.access.meter.sql import SqlMeterStore

    quick = os.environ.get("MASTHEAD_BENCH_QUICK") == "1"
    n = n or (500 if quick else 5000)
    _funnel_quiet()
    rows: list[dict] = []

    default_vendor = connections["default"].vendor
    _migrate("default")
    rows += _measure(SqlMeterStore(), f"SQL on {'SQLite' if default_vendor == 'sqlite' else default_vendor}", n)

    pg_url = os.environ.get("MASTHEAD_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/mh_access")
    try:
        import dj_database_url

        connections.databases[PG_ALIAS] = {**dj_database_url.parse(pg_url), "TIME_ZONE": None,
                                           "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": False, "OPTIONS": {},
                                           "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}}
        connections[PG_ALIAS].ensure_connection()
    except Exception as exc:
        rows.append({"measure": "meter decision, SQL on PostgreSQL", "decisions_per_s": f"skipped: {exc}"[:120]})
    else:
        _migrate(PG_ALIAS)
        store = SqlMeterStore(using=PG_ALIAS)
        pg_rows = _measure(store, "SQL on PostgreSQL", n)
        pg_rows[0]["bytes_per_reader_month"] = _pg_bytes_per_reader_month(store, PG_ALIAS, 200 if quick else 2000)
        pg_rows[0]["row_bytes_per_reader_month"] = _pg_row_bytes(PG_ALIAS)
        rows += pg_rows

    redis_url = os.environ.get("MASTHEAD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    try:
        from masthead.access.meter.redis import RedisMeterStore

        store = RedisMeterStore(redis_url, prefix=f"mh-bench-{uuid.uuid4().hex[:6]}:")
        store.client.ping()
    except Exception as exc:
        rows.append({"measure": "meter decision, Redis", "decisions_per_s": f"skipped: {exc}"[:120]})
    else:
        redis_rows = _measure(store, "Redis", n)
        redis_rows[0]["bytes_per_reader_month"] = _redis_bytes_per_reader_month(store)
        rows += redis_rows
        for key in store.client.scan_iter(match=store.prefix + "*", count=1000):
            store.client.delete(key)
    del settings  # only imported to make sure settings load before the stores
    return rows


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = ["| measure | decisions/s | p50 | p99 | bytes per reader-month |", "| --- | --: | --: | --: | --: |"]
    for r in rows:
        rate = r.get("decisions_per_s")
        rate = f"{rate:,.0f}" if isinstance(rate, (int, float)) else str(rate)
        p50 = f"{r['p50_ms']:.3f} ms" if "p50_ms" in r else "—"
        p99 = f"{r['p99_ms']:.3f} ms" if "p99_ms" in r else "—"
        size = r.get("bytes_per_reader_month")
        size = f"{size} B" if size is not None else ""
        if r.get("row_bytes_per_reader_month"):
            size += f" (rows alone {r['row_bytes_per_reader_month']} B)"
        lines.append(f"| {r['measure']} | {rate} | {p50} | {p99} | {size} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
