"""Figures for the accounts hot paths. Not collected by pytest; run it directly:

    MASTHEAD_DATA_DIR=/tmp/mh-bench .venv/bin/masthead migrate -v0
    MASTHEAD_DATA_DIR=/tmp/mh-bench .venv/bin/python tests/accounts/bench_accounts.py

Add MASTHEAD_DATABASE_URL / MASTHEAD_REDIS_URL to measure on PostgreSQL and Redis.
It creates its own rows (prefixed bench-) and removes them at the end.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from masthead.accounts.entitlements import grant_source  # noqa: E402
from masthead.accounts.models import AdSlot, ComplimentaryGrant, Organisation  # noqa: E402
from masthead.core import clock  # noqa: E402

TAG = Template('{% load ads %}{% ad_slot "bench-top" %}')


class CountingCache:
    """The real cache, counting reads: round trips are what cost on Redis."""

    def __init__(self, real):
        self.real, self.reads = real, 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.real.get(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def per_call(fn, n=2000) -> tuple[float, int, float]:
    from masthead.core import cache as versioned

    fn()
    counting = CountingCache(cache)
    versioned.django_cache = counting
    try:
        with CaptureQueriesContext(connection) as q:
            start = time.perf_counter()
            for _ in range(n):
                fn()
            elapsed = time.perf_counter() - start
    finally:
        versioned.django_cache = cache
    return elapsed / n * 1e6, len(q) // n, counting.reads / n


def main() -> None:
    import datetime as dt

    User = get_user_model()
    now = clock.now()
    cleanup()
    slot = AdSlot.objects.create(name="bench-top", markup="<div>bench ad</div>", width=728, height=90)
    user = User.objects.create_user("bench-reader", "bench@example.com", "x" * 20)
    orgs = [
        Organisation.objects.create(
            name=f"bench-org-{i}", ip_ranges="\n".join(f"10.{i}.{j}.0/24" for j in range(4)), starts_at=now
        )
        for i in range(100)
    ]
    try:
        rf = RequestFactory()

        def requests_for(who, n=2100):
            # Built before timing: a fresh request each call, so nothing is memoised between calls.
            pool = []
            for _ in range(n):
                request = rf.get("/", REMOTE_ADDR="203.0.113.9")
                request.user = who
                pool.append(request)
            return iter(pool)

        anonymous_pool = requests_for(AnonymousUser())
        reader_pool = requests_for(user, 1100)
        empty = Template("{% load ads %}")

        def anonymous_slot():
            TAG.render(Context({"request": next(anonymous_pool)}))

        def reader_slot():
            TAG.render(Context({"request": next(reader_pool)}))

        rows = [("template with no tag (baseline)", *per_call(lambda: empty.render(Context({}))))]

        rows.append(("ad_slot, anonymous reader (100 organisations, 400 ranges)", *per_call(anonymous_slot)))
        rows.append(("grant_source, anonymous, IP in no range", *per_call(
            lambda: grant_source(AnonymousUser(), now=now, ip="203.0.113.9"))))
        rows.append(("ad_slot, signed-in reader, no grant", *per_call(reader_slot, 500)))
        ComplimentaryGrant.objects.create(
            user=user, all_benefits=False, benefits=["ad_free"], starts_at=now, ends_at=now + dt.timedelta(days=1),
            reason="staff",
        )
        reader_pool = requests_for(user, 1100)
        rows.append(("ad_slot, signed-in ad-free reader (renders nothing)", *per_call(reader_slot, 500)))
        print(f"database: {connection.vendor}; cache: {cache.__class__.__name__}")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("| path | µs per call | queries per call | accounts cache reads per call |")
        print("| --- | ---: | ---: | ---: |")
        for name, micros, queries, reads in rows:
            print(f"| {name} | {micros:,.1f} | {queries} | {reads:g} |")
    finally:
        cleanup()


def cleanup() -> None:
    """Remove what an earlier (perhaps interrupted) run left behind."""
    AdSlot.objects.filter(name="bench-top").delete()
    for org in Organisation.objects.filter(name__startswith="bench-org-"):
        org.delete()
    get_user_model().objects.filter(username="bench-reader").delete()


if __name__ == "__main__":
    main()
