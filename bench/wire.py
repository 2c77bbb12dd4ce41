"""Wire ingest speed: 10,000 generated ninjs items into articles, on SQLite and on PostgreSQL,
and what a pass over an unchanged feed costs.

    python bench/wire.py              # prints a Markdown table
    MASTHEAD_BENCH_WIRE_ITEMS=2000 python bench/wire.py   # a shorter run

For each store, a child process with a fresh data dir (and, for PostgreSQL, a freshly made
database `mh_wire_bench` at MASTHEAD_BENCH_POSTGRES_URL's server) migrates, makes an
auto-publishing source and:
- ingests the items from 100 files of 100 ninjs items each (`ingest_paths`): items/s;
- ingests the same files again (every item ignored: nothing new): items/s;
- polls a feed of 1,000 items served on loopback with an ETag, once to ingest it, then
  again unchanged: the second pass is one request answered 304 and no parsing;
- polls the same feed served without validators (same body): one request, a digest, no parsing.

Environment: MASTHEAD_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres;
the bench makes and drops `mh_wire_bench` there), MASTHEAD_BENCH_WIRE_ITEMS (default 10000),
MASTHEAD_BENCH_WIRE_STORES (default `SQLite,PostgreSQL`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_FILE = 100
FEED_ITEMS = 1000
BENCH_DB = "mh_wire_bench"


def _item(n: int) -> dict:
    return {
        "uri": f"urn:bench:wire:{n:06d}", "type": "text", "version": "1", "pubstatus": "usable",
        "versioncreated": "2026-06-15T05:00:00Z", "headline": f"Generated wire story number {n}",
        "byline": f"By Reporter {n % 97}", "description_text": f"The summary of story {n}.",
        "body_xhtml": "".join(f"<p>Paragraph {p} of generated story {n}, with some words in it to look like copy.</p>"
                              for p in range(6)),
        "subject": [{"name": "economy", "code": "medtop:04000000"}],
    }


def _write_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, PER_FILE):
        batch = [_item(n) for n in range(start, min(start + PER_FILE, count))]
        (folder / f"batch-{start // PER_FILE:04d}.json").write_text(json.dumps(batch))


def _serve(body: bytes, with_etag: bool):
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if with_etag and self.headers.get("If-None-Match") == '"feed"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            if with_etag:
                self.send_header("ETag", '"feed"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/feed.json"


def child(store: str, items: int) -> list[dict]:
    """Runs inside the child process: Django set up on this store's fresh data dir."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from masthead.wire import actions
    from masthead.wire.models import WireSource

    work = Path(os.environ["MASTHEAD_DATA_DIR"]) / "wire-bench"
    _write_files(work / "files", items)
    source = actions.create_source("Bench Agency", auto_publish=True, transport=WireSource.Transport.UPLOAD)
    rows = []

    started = time.perf_counter()
    tally = actions.ingest_paths(source, [str(work / "files")])
    elapsed = time.perf_counter() - started
    assert tally.new == items, tally.as_line()
    rows.append({"store": store, "measure": f"ingest {items:,} new items ({items // PER_FILE} files)",
                 "items_per_s": round(items / elapsed), "seconds": round(elapsed, 2)})

    started = time.perf_counter()
    tally = actions.ingest_paths(source, [str(work / "files")])
    elapsed = time.perf_counter() - started
    assert tally.ignored == items and tally.new == 0, tally.as_line()
    rows.append({"store": store, "measure": f"the same {items:,} items again (all ignored)",
                 "items_per_s": round(items / elapsed), "seconds": round(elapsed, 2)})

    feed = json.dumps([_item(n) for n in range(items, items + FEED_ITEMS)]).encode()
    for with_etag in (True, False):
        server, url = _serve(feed, with_etag)
        polled = actions.create_source(f"Bench feed {with_etag}", auto_publish=True,
                                       transport=WireSource.Transport.HTTP, location=url)
        first = actions.poll_source(polled)
        assert first.new == FEED_ITEMS or first.ignored == FEED_ITEMS, first.as_line()
        samples = []
        for _ in range(20):
            started = time.perf_counter()
            again = actions.poll_source(polled)
            samples.append(time.perf_counter() - started)
            assert again.documents == 0, again.as_line()
        server.shutdown()
        samples.sort()
        how = "304 to If-None-Match" if with_etag else "same body, no validators"
        rows.append({"store": store, "measure": f"poll an unchanged {FEED_ITEMS:,}-item feed ({how})",
                     "items_per_s": "", "seconds": round(samples[len(samples) // 2], 4)})
    return rows


def _postgres_url() -> str | None:
    base = os.environ.get("MASTHEAD_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: the row says so
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipped", file=sys.stderr)
        return None
    return base.rsplit("/", 1)[0] + f"/{BENCH_DB}"


def _drop_postgres() -> None:
    import psycopg

    base = os.environ.get("MASTHEAD_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def run(items: int | None = None) -> list[dict]:
    items = items or int(os.environ.get("MASTHEAD_BENCH_WIRE_ITEMS", "10000"))
    rows = []
    stores = os.environ.get("MASTHEAD_BENCH_WIRE_STORES", "SQLite,PostgreSQL").split(",")
    for store in [s.strip() for s in stores if s.strip()]:
        with tempfile.TemporaryDirectory(prefix="mh-wire-bench-") as data_dir:
            env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
            env.update({"DJANGO_SETTINGS_MODULE": "masthead.settings", "MASTHEAD_DATA_DIR": data_dir,
                        "PYTHONPATH": str(ROOT), "MASTHEAD_LOG_LEVEL": "ERROR"})
            if store == "PostgreSQL":
                url = _postgres_url()
                if url is None:
                    continue
                env["MASTHEAD_DATABASE_URL"] = url
            done = subprocess.run([sys.executable, __file__, "--child", store, str(items)], env=env,
                                  capture_output=True, text=True, cwd=ROOT)
            if store == "PostgreSQL":
                _drop_postgres()
            if done.returncode != 0:
                raise SystemExit(f"{store} run failed:\n{done.stderr[-3000:]}")
            rows += json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| store | measure | items/s | seconds (median for polls) |", "| --- | --- | ---: | ---: |"]
    lines += [f"| {r['store']} | {r['measure']} | {r['items_per_s']} | {r['seconds']} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
    else:
        load = os.getloadavg()
        print(table(run()))
        print(f"\nload average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
