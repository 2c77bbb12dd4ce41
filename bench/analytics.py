"""The revenue desk's rollup and dashboard, timed (figures for the README's performance section).

    python bench/analytics.py                      # SQLite, then PostgreSQL when reachable
    python bench/analytics.py --events 10000000 --only postgres
    MASTHEAD_BENCH_ANALYTICS_PG=postgres://postgres@127.0.0.1:5432/mh_analytics_bench  (default)

Two measurements per database, each in a fresh database of its own:

1. Rolling up one day of N raw funnel events (default 1,000,000): the events are generated
   inside the database (a recursive CTE on SQLite, generate_series on PostgreSQL) with
   12 sections, 6 referrer classes, 4 devices, 3 kinds and an experiment arm on a tenth of
   them; the timed part is `rollup.rollup_day()` for that day (delete, INSERT ... SELECT ...
   GROUP BY, the books, commit). It is then run again to show a rerun costs the same.
2. The dashboard page over 3 years of rollups (FunnelDay at 480 rows a day, RevenueDay,
   MonthRevenue, cohorts, attribution): the median of 5 requests through Django's test client
   for the whole three years by month, and for the default last 90 days by week.

Each database runs in a subprocess of its own (Django reads its database from the
environment once). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("MASTHEAD_BENCH_ANALYTICS_PG", "postgres://postgres@127.0.0.1:5432/mh_analytics_bench")
DAY = "2026-11-30"
YEARS_DAYS = 3 * 365


def _events_sql(vendor: str, n: int) -> str:
    columns = "at, day, kind, reason, article_id, section, referrer, device, channel, variant, reader"
    if vendor == "postgresql":
        return f"""
            INSERT INTO analytics_event ({columns})
            SELECT TIMESTAMPTZ '{DAY} 00:00:00+05:30' + (n % 86400) * INTERVAL '1 second', DATE '{DAY}',
                   (ARRAY['metered_read','meter_notice','paywall_view'])[1 + n % 3],
                   CASE WHEN n % 3 = 2 THEN (ARRAY['limit','premium','archive','registration'])[1 + n % 4] ELSE '' END,
                   n % 5000, 'section-' || (n % 12),
                   (ARRAY['search','social','direct','newsletter','internal','other'])[1 + n % 6],
                   (ARRAY['mobile','desktop','tablet','app'])[1 + n % 4], 'web',
                   CASE WHEN n % 10 = 0 THEN 'bench:' || (ARRAY['control','three'])[1 + n % 2] ELSE '' END,
                   lpad(to_hex(n), 16, '0')
            FROM generate_series(1, {n}) AS n"""
    return f"""
        INSERT INTO analytics_event ({columns})
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n})
        SELECT '{DAY} 00:00:00', '{DAY}',
               CASE n % 3 WHEN 0 THEN 'metered_read' WHEN 1 THEN 'meter_notice' ELSE 'paywall_view' END,
               CASE WHEN n % 3 = 2 THEN CASE n % 4 WHEN 0 THEN 'limit' WHEN 1 THEN 'premium'
                    WHEN 2 THEN 'archive' ELSE 'registration' END ELSE '' END,
               n % 5000, 'section-' || (n % 12),
               CASE n % 6 WHEN 0 THEN 'search' WHEN 1 THEN 'social' WHEN 2 THEN 'direct' WHEN 3 THEN 'newsletter'
                    WHEN 4 THEN 'internal' ELSE 'other' END,
               CASE n % 4 WHEN 0 THEN 'mobile' WHEN 1 THEN 'desktop' WHEN 2 THEN 'tablet' ELSE 'app' END, 'web',
               CASE WHEN n % 10 = 0 THEN 'bench:' || CASE n % 2 WHEN 0 THEN 'control' ELSE 'three' END ELSE '' END,
               printf('%016x', n)
        FROM seq"""


def _rollups_sql(vendor: str) -> list[str]:
    """Three years of daily rollups, generated in the database."""
    if vendor == "postgresql":
        days = f"SELECT (DATE '{DAY}' - d) AS day FROM generate_series(0, {YEARS_DAYS - 1}) AS d"
        combos = "SELECT c FROM generate_series(0, 479) AS c"
        return [
            f"""INSERT INTO analytics_funnelday (day, kind, reason, section, referrer, device, channel, variant, count, revenue)
                SELECT days.day, (ARRAY['metered_read','meter_notice','paywall_view','checkout','payment','subscription'])[1 + c % 6],
                       CASE WHEN c % 6 = 2 THEN (ARRAY['limit','premium','archive','registration'])[1 + (c / 6) % 4] ELSE '' END,
                       'section-' || (c % 10), (ARRAY['search','social','direct','newsletter','internal','other'])[1 + (c / 10) % 6],
                       (ARRAY['mobile','desktop','tablet','app'])[1 + (c / 60) % 4], 'web', '', 1 + (c * 7919) % 400, 0
                FROM ({days}) AS days, ({combos}) AS combos""",
            f"""INSERT INTO analytics_revenueday (day, plan, active, mrr, checkouts, new, renewed, recovered, failed, cancelled,
                    ended_voluntary, ended_involuntary, refunds, refunded, revenue)
                SELECT days.day, p.plan, 3000, 6000000, 12, 9, 7, 1, 1, 2, 2, 1, 0, 0, 2000000
                FROM ({days}) AS days, (VALUES ('smart-quarterly'), ('smart-essential'), ('super-saver')) AS p(plan)""",
            f"""INSERT INTO analytics_attributionday (day, article_id, headline, section, referrer, subscriptions, revenue)
                SELECT days.day, a, 'Story ' || a, 'section-' || (a % 10), 'search', 1, 228814
                FROM ({days}) AS days, generate_series(1, 20) AS a""",
        ]
    days = (f"WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < {YEARS_DAYS - 1}), "
            f"c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < 479) ")
    day = f"date('{DAY}', '-' || i || ' days')"
    return [
        f"""INSERT INTO analytics_funnelday (day, kind, reason, section, referrer, device, channel, variant, count, revenue)
            {days} SELECT {day},
                CASE j % 6 WHEN 0 THEN 'metered_read' WHEN 1 THEN 'meter_notice' WHEN 2 THEN 'paywall_view'
                     WHEN 3 THEN 'checkout' WHEN 4 THEN 'payment' ELSE 'subscription' END,
                CASE WHEN j % 6 = 2 THEN CASE (j / 6) % 4 WHEN 0 THEN 'limit' WHEN 1 THEN 'premium' WHEN 2 THEN 'archive'
                     ELSE 'registration' END ELSE '' END,
                'section-' || (j % 10),
                CASE (j / 10) % 6 WHEN 0 THEN 'search' WHEN 1 THEN 'social' WHEN 2 THEN 'direct' WHEN 3 THEN 'newsletter'
                     WHEN 4 THEN 'internal' ELSE 'other' END,
                CASE (j / 60) % 4 WHEN 0 THEN 'mobile' WHEN 1 THEN 'desktop' WHEN 2 THEN 'tablet' ELSE 'app' END,
                'web', '', 1 + (j * 7919) % 400, 0 FROM d, c""",
        f"""INSERT INTO analytics_revenueday (day, plan, active, mrr, checkouts, new, renewed, recovered, failed, cancelled,
                ended_voluntary, ended_involuntary, refunds, refunded, revenue)
            {days} SELECT {day}, p.plan, 3000, 6000000, 12, 9, 7, 1, 1, 2, 2, 1, 0, 0, 2000000
            FROM d, (SELECT 'smart-quarterly' AS plan UNION ALL SELECT 'smart-essential' UNION ALL SELECT 'super-saver') AS p""",
        f"""INSERT INTO analytics_attributionday (day, article_id, headline, section, referrer, subscriptions, revenue)
            {days} SELECT {day}, j, 'Story ' || j, 'section-' || (j % 10), 'search', 1, 228814 FROM d, c WHERE j < 20""",
    ]


def _in_process(backend: str, events: int, skip_dashboard: bool = False) -> dict:
    """Run in the subprocess for one database: returns the figures as a dict."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import datetime as dt

    import django

    django.setup()
    from django.conf import settings

    # The admin's static files without a collectstatic run (their URLs only, never served here).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from masthead.analytics import rollup
    from masthead.analytics.models import CohortCell, MonthRevenue
    from masthead.content.models import Publication
    from masthead.core import clock

    call_command("migrate", verbosity=0)
    Publication.objects.get_or_create(pk=1, defaults=dict(name="Bench Times", time_zone="Asia/Kolkata"))
    vendor = connection.vendor
    day = dt.date.fromisoformat(DAY)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_events_sql(vendor, events))
    generated = time.perf_counter() - started
    tz = rollup.zone()
    with clock.travel(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.timezone.utc), frozen=True):
        timings, cpu = [], []
        for _ in range(2):
            subs = rollup.history.load()
            started, started_cpu = time.perf_counter(), time.process_time()
            read, _ = rollup.rollup_day(day, subs, rollup.Attributor(subs), tz, 18)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert read == events, (read, events)
        if skip_dashboard:
            return {"backend": backend, "events": events, "generate_s": round(generated, 1),
                    "rollup_s": round(timings[0], 2), "rerun_s": round(timings[1], 2), "cpu_s": round(cpu[0], 2),
                    "funnel_rows": 0, "page_3y_s": 0, "page_90d_s": 0}
        # Three years of rollups for the dashboard.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM analytics_funnelday")
            cursor.execute("DELETE FROM analytics_revenueday")
            cursor.execute("DELETE FROM analytics_event")
            for sql in _rollups_sql(vendor):
                cursor.execute(sql)
        first = day - dt.timedelta(days=YEARS_DAYS - 1)
        started = time.perf_counter()
        with transaction.atomic():
            rollup.summarise_funnel(first, day)
        summarised = time.perf_counter() - started
        month = first.replace(day=1)
        months = []
        while month <= day:
            months.append(month)
            month = rollup.next_month(month)
        MonthRevenue.objects.bulk_create([MonthRevenue(month=m, active_start=9000, active_end=9100, mrr_start=18000000,
                                                       mrr_end=18200000, mrr_retained=17100000, lost_voluntary=300,
                                                       lost_involuntary=90) for m in months])
        CohortCell.objects.bulk_create([CohortCell(cohort=c, age=a, size=300, retained=max(0, 300 - 20 * a))
                                        for i, c in enumerate(months) for a in range(len(months) - i)])
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM analytics_funnelday")
            funnel_rows = cursor.fetchone()[0]
        User = get_user_model()
        boss = User.objects.filter(username="bench-boss").first() or User.objects.create_superuser(
            "bench-boss", "boss@bench.test", None)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(boss)

        def page(params) -> float:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                response = client.get("/admin/revenue/", params)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            return statistics.median(times)

        three_years = page({"from": first.isoformat(), "to": DAY, "grain": "month"})
        ninety = page({"to": DAY})
    return {"backend": backend, "events": events, "generate_s": round(generated, 1),
            "rollup_s": round(timings[0], 2), "rerun_s": round(timings[1], 2), "funnel_rows": funnel_rows,
            "page_3y_s": round(three_years, 3), "page_90d_s": round(ninety, 3), "cpu_s": round(cpu[0], 2),
            "summarise_3y_s": round(summarised, 1)}


def _run_backend(backend: str, events: int, skip_dashboard: bool = False) -> dict | None:
    env = dict(os.environ)
    data = tempfile.mkdtemp(prefix=f"mh-bench-analytics-{backend}-")
    env["MASTHEAD_DATA_DIR"] = data
    env.pop("MASTHEAD_TESTING", None)
    if backend == "postgres":
        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            done = subprocess.run(["psql", admin, "-q", "-c", sql], capture_output=True, text=True)
            if done.returncode:
                print(f"PostgreSQL not reachable ({done.stderr.strip()[:120]}); skipped", file=sys.stderr)
                return None
        env["MASTHEAD_DATABASE_URL"] = PG_URL
    else:
        env.pop("MASTHEAD_DATABASE_URL", None)
    command = [sys.executable, __file__, "--child", backend, "--events", str(events)]
    done = subprocess.run(command + (["--no-dashboard"] if skip_dashboard else []), env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--no-dashboard", action="store_true", help="Only the rollup (for a 10-million-event day).")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_in_process(args.child, args.events, args.no_dashboard)))
        return
    load = os.getloadavg()
    rows = [r for r in (_run_backend(b, args.events, args.no_dashboard) for b in ("sqlite", "postgres")
                        if args.only in (None, b)) if r]
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("| database | raw events in the day | roll-up | rerun | this process's CPU in the roll-up | events/s "
          "| dashboard, 3 years by month | dashboard, 90 days by week | FunnelDay rows |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['backend']} | {r['events']:,} | {r['rollup_s']} s | {r['rerun_s']} s | {r['cpu_s']} s | "
              f"{r['events'] / r['rollup_s']:,.0f} | {r['page_3y_s'] * 1000:.0f} ms | {r['page_90d_s'] * 1000:.0f} ms "
              f"| {r['funnel_rows']:,} |")


if __name__ == "__main__":
    main()
