"""The ePaper under load: processing a 32-page edition, and serving its page images.

    .venv/bin/python bench/epaper.py [--pages 32] [--duration 10] [--port 8420]

1. Processing: a fresh data dir, migrated; a 32-page edition PDF with real text (the demo's
   writer, epaper.pdfs) is processed by the same action the worker runs (three image sizes
   and the text per page), timed in seconds per page.
2. Serving: `masthead serve` (granian, one worker per core) on loopback answers a
   subscriber's signed, reader-bound address of one page's screen image (the signature, its
   age and the session are checked on every request) under `wrk -t2 -c32 --latency` after a
   3 s warm-up; nginx serves the same file from disk in the same run as the reference, and
   the row gives the ratio. The loads only ever touch 127.0.0.1 (ports 8420-8429).

The table is printed and written to bench/results/<date>-epaper-<host>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, servers  # noqa: E402

SUBSCRIBER = "bench.epaper@example.in"


def log(message: str) -> None:
    print(f"[bench epaper {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- inside a Django process (--setup) ---------------------------------------------------------

def setup(pages: int) -> dict:
    """Process an edition of `pages` pages and make a subscriber with a session (runs in Django)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils.module_loading import import_string

    from masthead.access.reader import Reader
    from masthead.access.decision import ReaderFacts
    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Plan, Subscription
    from masthead.content.publication import current_publication
    from masthead.core import clock
    from masthead.epaper import actions, files, images
    from masthead.epaper.pdfs import Story, edition_pdf

    publication = current_publication()
    seed_plans(progress=lambda line: None)
    body = ("The state cabinet on Tuesday cleared the long-delayed metro extension, and the finance "
            "department said the first tenders would be floated before the monsoon session. ") * 4
    layout = [[Story(f"Story {s} on page {p}: the city council meets again", [body, body, body])
               for s in range(5)] for p in range(1, pages + 1)]
    data = edition_pdf(publication=publication.name, date_line="2 December 2026", edition="Main", pages=layout)
    edition = actions.receive_edition(date=dt.date(2026, 12, 2), name="Main", data=data, process=False)
    started = time.perf_counter()
    edition = actions.process_edition(edition.pk)
    seconds = time.perf_counter() - started
    assert edition.state == "published", edition.failure_reason

    user = get_user_model().objects.create_user("bench-epaper", SUBSCRIBER, "bench-epaper-pw-1")
    now = clock.now()
    Subscription.objects.create(
        user=user, plan=Plan.objects.get(code="smart-essential"), state=Subscription.State.ACTIVE,
        gateway="sandbox", current_period_start=now, current_period_end=now + dt.timedelta(days=365),
        access_until=now + dt.timedelta(days=365), created_at=now, updated_at=now)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    page = edition.pages.get(number=1)
    reader = Reader(ReaderFacts(f"u:{user.pk}", is_authenticated=True), user=user, ip="127.0.0.1")
    return {
        "pages": edition.page_count,
        "pdf_bytes": len(data),
        "seconds": seconds,
        "image_path": images.image_url(page.screen, reader),
        "image_file": files.storage().path(page.screen),
        "image_bytes": files.storage().size(page.screen),
        "viewer_path": page.get_absolute_url(),
        "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
    }


# --- the run ----------------------------------------------------------------------------------

def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update({"MASTHEAD_DATA_DIR": str(data_dir), "MASTHEAD_DEBUG": "0", "MASTHEAD_LOG_LEVEL": "ERROR",
                "MASTHEAD_REQUEST_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "masthead.settings",
                # A signed address lives for minutes; the run must finish within its life.
                "MASTHEAD_EPAPER_IMAGE_SECONDS": "900"})
    return env


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each wrk load")
    parser.add_argument("--port", type=int, default=8420, help="masthead serve's port; nginx takes the next")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        print(json.dumps(setup(args.pages)))
        return 0

    servers.ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-epaper-"))
    workdir.chmod(0o755)  # nginx's workers (another user) read the file from under it
    try:
        env = env_for(workdir / "data")
        before = loadavg()
        log(f"migrating a fresh data dir in {workdir} (load {before})")
        subprocess.run([sys.executable, "-m", "masthead", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT,
                       check=True)
        log(f"processing a {args.pages}-page edition")
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--setup", "--pages", str(args.pages)],
                              env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
        facts = json.loads(done.stdout.strip().splitlines()[-1])
        per_page = facts["seconds"] / facts["pages"]
        log(f"processed {facts['pages']} pages in {facts['seconds']:.1f}s ({per_page:.2f} s/page)")

        results = {}
        with servers.masthead_server(args.port, env=env, log=workdir / "serve.log", source=ROOT) as server:
            base = f"http://127.0.0.1:{args.port}"
            url = base + facts["image_path"]
            status, kind, size = fetch(url, facts["cookie"])
            assert (status, kind, size) == (200, "image/webp", facts["image_bytes"]), (status, kind, size)
            assert fetch(url)[0] == 403, "the image answered without the subscriber's session"
            log("masthead: warm-up, then load")
            load.wrk(url, duration_s=3, cookie=facts["cookie"])
            with servers.RssSampler(server.pid) as memory:
                results["masthead"] = load.wrk(url, duration_s=args.duration, cookie=facts["cookie"])
            results["masthead_rss"] = memory.peak
        with servers.nginx_server(args.port + 1, Path(facts["image_file"]).read_bytes(), workdir) as nginx:
            url = f"http://127.0.0.1:{args.port + 1}/page.webp"
            status, _, size = fetch(url)
            assert (status, size) == (200, facts["image_bytes"]), (status, size)
            log("nginx: warm-up, then load")
            load.wrk(url, duration_s=3)
            results["nginx"] = load.wrk(url, duration_s=args.duration)
        after = loadavg()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    ours, theirs = results["masthead"], results["nginx"]
    host = platform.node() or "host"
    lines = [
        f"# ePaper benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {host} "
        f"({os.cpu_count()} cores; load average {before} before, {after} after)",
        "",
        "| measure | result |",
        "| --- | --- |",
        f"| processing a {facts['pages']}-page edition ({facts['pdf_bytes'] / 1000:.0f} kB PDF: 3 image sizes + text a page) "
        f"| {facts['seconds']:.1f} s, **{per_page:.2f} s/page** |",
        f"| page image ({facts['image_bytes'] / 1000:.0f} kB WebP), signed + session-checked, `masthead serve`, 32 connections "
        f"| **{ours.requests_per_s:,.0f} req/s**, p50 {ours.p50_ms:.1f} ms, p99 {ours.p99_ms:.1f} ms, "
        f"{ours.errors} errors, peak RSS {results['masthead_rss'] / 1e6:.0f} MB |",
        f"| the same file from nginx, 32 connections | {theirs.requests_per_s:,.0f} req/s, p50 {theirs.p50_ms:.1f} ms, "
        f"p99 {theirs.p99_ms:.1f} ms |",
        f"| ratio to nginx | **{ours.requests_per_s / theirs.requests_per_s:.1%}** |",
        "",
        "Rerun: `.venv/bin/python bench/epaper.py` (wrk and nginx from Debian; ports 8420-8421).",
    ]
    table = "\n".join(lines)
    print(table)
    out = ROOT / "bench" / "results" / f"{dt.date.today():%Y-%m-%d}-epaper-{host}.md"
    out.write_text(table + "\n")
    log(f"written to {out.relative_to(ROOT)}")
    return 0 if ours.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
