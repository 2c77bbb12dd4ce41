"""The archive at full size: search, listings and sitemaps over a generated archive.

    # a data dir (SQLite) or a database (PostgreSQL) with N generated stories, then the run
    MASTHEAD_DATA_DIR=var/big-sqlite nice -n 10 .venv/bin/python bench/search.py --stories 1000000
    MASTHEAD_DATABASE_URL=postgres://... MASTHEAD_DATA_DIR=var/big-pg nice -n 10 \
        .venv/bin/python bench/search.py --stories 1000000
    # (--stories N runs `masthead demo --no-serve --archive N` first: bulk inserts, one
    # batch in memory at a time, then the search index; a later run with the same N adds
    # nothing)

In-process, caches cold for every timed call (the content version is bumped first, so a
figure is a rebuild, never a cache hit): search p50/p99 for one- and three-word queries
(the engine alone, and the whole result page a reader gets: ranked ids, cards, the access
decision per result and highlighted snippets), an archive day page, a section's page 1 and
page 500 (by position, as the Older links reach it), a tag page, the front page, one
article sitemap file (up to 50,000 URLs), the index rate (stories made searchable per
second) and the process's peak memory. The table goes to stdout and to
bench/results/search-<date>-<engine>-<N>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from masthead.access.search import search_for  # noqa: E402
from masthead.content import demo_text, listings, search  # noqa: E402
from masthead.content.keyset import Position  # noqa: E402
from masthead.content.models import Article, Section, Tag  # noqa: E402
from masthead.content.search import Query, engine  # noqa: E402
from masthead.content.sitemaps import article_file_entries, article_files  # noqa: E402
from masthead.core import cache  # noqa: E402

TARGET_P99_MS = 100


def cold() -> None:
    cache.bump("content")


def timed(work, runs: int, *, fresh: bool = True) -> list[float]:
    out = []
    for i in range(runs):
        if fresh:
            cold()
        started = time.perf_counter()
        work(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def vocabulary() -> list[str]:
    """Words a reader would type: the places, companies, people and topics the archive is
    written about (every one occurs in it)."""
    words = set()
    for names in (demo_text.CITIES, demo_text.COUNTRIES, demo_text.COMPANIES, demo_text.POLICY_TOPICS,
                  demo_text.FIRST_NAMES, demo_text.LAST_NAMES, demo_text.AUDIENCES):
        for name in names:
            words.update(w.lower() for w in name.replace("’", " ").split() if len(w) > 3 and w.isalpha())
    return sorted(words)


def warm() -> str:
    """Read the database's files once, so the figures are of a server whose archive is in
    the operating system's page cache (a production database of this size is), not of a
    disk read per lookup. What is timed stays cold above the database: Masthead's caches."""
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        with name.open("rb") as handle:
            while handle.read(1 << 24):
                pass
        size = name.stat().st_size
    else:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) * current_setting('block_size')::bigint "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'i', 't') AND (c.relname LIKE 'content\\_%' OR c.oid IN "
                "(SELECT reltoastrelid FROM pg_class WHERE relname LIKE 'content\\_%'))")
            size = cursor.fetchone()[0]
    return f"database files read into the page cache first: {size / 2**30:.1f} GB in {time.perf_counter() - started:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--reindex-sample", type=int, default=5000, help="stories reindexed for the rate")
    parser.add_argument("--stories", type=int, default=0, metavar="N",
                        help="first make sure N generated stories exist (bulk insert, then indexed), "
                             "as `masthead demo --no-serve --archive N` does")
    parser.add_argument("--warm", action="store_true",
                        help="read the database's files into the page cache before timing (see warm())")
    args = parser.parse_args()
    if args.stories:
        call_command("demo", no_serve=True, archive=args.stories)

    warmed = warm() if args.warm else "database files as the disk cache holds them (no --warm)"
    print(warmed, flush=True)
    rng = random.Random(16)
    stories = Article.objects.count()
    name = engine().__name__.rsplit(".", 1)[-1]
    print(f"engine {name}; {stories:,} stories; {engine().indexed_count():,} indexed; "
          f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}", flush=True)
    words = vocabulary()
    one = [rng.choice(words) for _ in range(args.queries)]
    # Three words a reader remembers from a story: from the headline of a random one.
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    three = []
    while len(three) < args.queries:
        headline = (Article.objects.filter(pk__gte=rng.randint(1, top)).order_by("pk")
                    .values_list("headline", flat=True).first())
        picked = [w.lower() for w in (headline or "").split() if len(w) > 3 and w.isalpha()]
        if len(picked) >= 3:
            three.append(" ".join(rng.sample(picked, 3)))
    request = RequestFactory().get("/search/")
    request.user = AnonymousUser()
    request.COOKIES = {}

    rows = []

    def row(label, samples, note=""):
        rows.append((label, len(samples), statistics.median(samples), pct(samples, 0.99), note))
        print(f"  {label}: p50 {statistics.median(samples):.1f} ms, p99 {pct(samples, 0.99):.1f} ms {note}", flush=True)

    hits = []
    row("search, 1 word (engine: ranked page of ids)",
        timed(lambda i: hits.append(search.find(Query(one[i])).total), args.queries, fresh=False),
        f"median matches {statistics.median(hits):,.0f} (counted to {search.MAX_RESULTS:,})")
    hits.clear()
    row("search, 3 words (engine)",
        timed(lambda i: hits.append(search.find(Query(three[i])).total), args.queries, fresh=False),
        f"median matches {statistics.median(hits):,.0f}")
    # The same queries again: the engine's own cost once the pages it reads are in memory
    # (on a machine that evicts page cache left untouched for seconds, the first runs above
    # also time the disk).
    row("search, 1 word, the same queries again (engine)",
        timed(lambda i: search.find(Query(one[i])), args.queries, fresh=False))
    row("search, 3 words, the same queries again (engine)",
        timed(lambda i: search.find(Query(three[i])), args.queries, fresh=False))
    row("search page, 1 word (ids, cards, decisions, snippets)",
        timed(lambda i: search_for(request, one[i]), args.queries, fresh=False))
    row("search page, 3 words", timed(lambda i: search_for(request, three[i]), args.queries, fresh=False))
    row("search page 5 of a 1-word query", timed(lambda i: search_for(request, one[i], page=5), min(50, len(one)), fresh=False))

    years = listings.archive_years()
    days = []
    for _ in range(30):
        period = rng.choice(years)
        days.append(period.start + dt.timedelta(days=rng.randint(0, 360)))
    row("archive day page (cold)", timed(lambda i: listings.archive_day_page(days[i]), len(days)))
    row("archive years (cold)", timed(lambda i: listings.archive_years(), 5))
    row("archive months of a year (cold)", timed(lambda i: listings.archive_months(days[i].year), 10))
    section = max(Section.objects.all(), key=lambda s: Article.objects.filter(section=s).count())
    row(f"section page 1 ({section.slug}, cold)", timed(lambda i: listings.section_page(section), 20))
    # Page 500 is 9,980 stories in (or the section's last page, if it has fewer): its
    # position is found once here (untimed); the page is then read as a reader following
    # "Older" links gets it (keyset, ?before=).
    in_section = listings.live().filter(section=section).count()
    depth = max(1, min(500, (in_section - 1) // listings.PAGE_SIZE + 1))
    if depth > 1:
        moment, pk = listings.live().filter(section=section).order_by("-published_at", "-pk").values_list(
            "published_at", "pk")[(depth - 1) * listings.PAGE_SIZE - 1]
        row(f"section page {depth} (cold, keyset)",
            timed(lambda i: listings.section_page(section, before=Position(moment, pk)), 20))
    tag = Tag.objects.order_by("pk").first()
    if tag is not None:
        row(f"tag page 1 ({tag.slug}, cold)", timed(lambda i: listings.tag_page(tag), 10))
    row("front page (cold)", timed(lambda i: listings.front_page(), 10))
    row("latest 30 for the feed (cold)", timed(lambda i: listings.latest_cards(limit=30), 10))
    files = article_files()
    row(f"sitemap index: {len(files)} article files (cold)", timed(lambda i: article_files(), 5))
    biggest = max(range(len(files)), key=lambda k: (files[k].year, k)) + 1 if files else 1
    sizes = []
    row("one article sitemap file (cold)",
        timed(lambda i: sizes.append(len(article_file_entries(biggest - (i % 3)) or [])), 6),
        f"{max(sizes or [0]):,} URLs")

    ids = list(Article.objects.filter(status="published").order_by("?").values_list("pk", flat=True)[
        :args.reindex_sample]) if name == "postgres" else []
    if not ids:
        top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ids = sorted(rng.sample(range(1, top + 1), min(args.reindex_sample, top)))
    started = time.perf_counter()
    for start in range(0, len(ids), 1000):
        with transaction.atomic():
            engine().refresh(ids[start:start + 1000])
    seconds = time.perf_counter() - started
    rate = len(ids) / seconds if seconds else 0
    print(f"  reindex: {len(ids):,} stories in {seconds:.1f} s = {rate:,.0f} stories/s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:.0f} MB", flush=True)

    lines = [f"# Search and archive benchmark: {name}, {stories:,} stories ({dt.date.today()})", "",
             f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
             f"peak memory {peak:.0f} MB; reindex {rate:,.0f} stories/s ({len(ids):,} sampled); {warmed}.", "",
             "| what | runs | p50 ms | p99 ms | note |", "| --- | ---: | ---: | ---: | --- |"]
    lines += [f"| {label} | {n} | {p50:.1f} | {p99:.1f} | {note} |" for label, n, p50, p99, note in rows]
    engine_rows = [(label, p99) for label, _, _, p99, _ in rows if label.startswith("search,")]
    lines += ["", f"Search p99 target (< {TARGET_P99_MS} ms, the engine in-process): " + "; ".join(
        f"{label}: {'met' if p99 < TARGET_P99_MS else 'missed'} ({p99:.0f} ms)" for label, p99 in engine_rows)]
    out = ROOT / "bench" / "results" / f"search-{dt.date.today()}-{name}-{stories}.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
