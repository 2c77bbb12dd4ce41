"""The apps' API under load: article detail and the home listing through /api/v1/, beside nginx.

For each store (the embedded default, then PostgreSQL + Redis) it makes a fresh data dir,
migrates and seeds the demo, starts `masthead serve` (granian, one worker per core) on
loopback, prepares an anonymous app reader whose read of a metered story is already counted
(the meter cookie, got with plain requests as an app's HTTP client would), and loads each
operation with wrk (32 connections by default) after a warm-up, and the same story's web page
for the same reader, for comparison. nginx serves a saved copy of
the same article answer as a static file in the same run; each row gives its ratio to nginx's
requests/s. Before each load one request checks what the answer is (full text, or the list),
so a row cannot measure an error.

    .venv/bin/python bench/api.py                 # about 3 minutes
    .venv/bin/python bench/api.py --quick         # a smoke test of the harness
    .venv/bin/python bench/api.py --embedded-only

Ports 8430-8439 on loopback; PostgreSQL database mh_apiv1_bench (recreated) and Redis db 7
(emptied). The rate limits are raised for the run (one address sends every request), so the
figures include the limiter's work but never a 429.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, machine, report, servers  # noqa: E402
from bench.run import run_checked  # noqa: E402

POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/mh_apiv1_bench"
REDIS_URL = "redis://127.0.0.1:6379/7"
UNLIMITED = "100000000/m/ip,100000000/m/key"


def log(message: str) -> None:
    print(f"[bench/api {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def env_for(data_dir: Path, *, postgres: bool, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update({
        "MASTHEAD_DATA_DIR": str(data_dir), "MASTHEAD_DEBUG": "0", "MASTHEAD_LOG_LEVEL": "ERROR",
        "MASTHEAD_REQUEST_LOG_LEVEL": "WARNING", "MASTHEAD_RATE_API": UNLIMITED,
        "MASTHEAD_PUBLIC_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
    })
    if postgres:
        env["MASTHEAD_DATABASE_URL"] = POSTGRES_URL
        env["MASTHEAD_REDIS_URL"] = REDIS_URL
    return env


def reset_postgres_and_redis() -> str | None:
    """A fresh mh_apiv1_bench database and an empty Redis db 7; the reason when unreachable."""
    try:
        import psycopg
        import redis

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute("DROP DATABASE IF EXISTS mh_apiv1_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE mh_apiv1_bench")
        redis.Redis.from_url(REDIS_URL, socket_timeout=5).flushdb()
    except Exception as exc:
        return f"PostgreSQL/Redis not reachable on loopback: {exc}"
    return None


def prepare(base: str) -> dict:
    """A metered story, an app reader whose read of it is already counted, and the answers."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", "MastheadApp/2.1 (Android 14) masthead-bench"), ("Accept", "application/json")]

    def get(path: str) -> tuple[int, bytes]:
        with opener.open(base + path, timeout=30) as response:
            return response.status, response.read()

    listed = json.loads(get("/api/v1/articles")[1])["results"]
    story = next(a for a in listed if a["access"] == "metered")
    detail = f"/api/v1/articles/{story['id']}"
    get(detail)           # the meter cookie
    get(detail)           # counted now
    status, answer = get(detail)  # counted before: the answer every load request gets
    data = json.loads(answer)
    if status != 200 or not data["granted"] or data["reason"] != "already_counted":
        raise RuntimeError(f"the prepared read is not an already-counted full text: {status} {data.get('reason')}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    page = data["url"].split("://", 1)[1].split("/", 1)[1]
    page_status, page_body = get("/" + page)
    if page_status != 200 or b"reached your limit" in page_body:
        raise RuntimeError("the story's web page is not its full text")
    home_status, home = get("/api/v1/home")
    if home_status != 200 or not json.loads(home)["latest"]:
        raise RuntimeError("the home listing is empty or failed")
    return {"detail": detail, "cookie": cookie, "answer": answer, "home": home, "page": "/" + page,
            "page_size": len(page_body)}


def measure(label: str, *, postgres: bool, workdir: Path, port: int, args) -> tuple[list[dict], bytes]:
    data_dir = workdir / ("postgres" if postgres else "embedded")
    data_dir.mkdir()
    env = env_for(data_dir, postgres=postgres, port=port)
    log(f"{label}: migrating and seeding the demo")
    run_checked([sys.executable, "-m", "masthead", "demo", "--no-serve"], env, "masthead demo --no-serve")
    rows = []
    with servers.masthead_server(port, env=env, log=workdir / f"serve-{data_dir.name}.log", source=ROOT) as server:
        base = server.url.rstrip("/")
        prepared = prepare(base)
        for title, path, cookie, size in (
            ("article detail, anonymous metered read already counted", prepared["detail"], prepared["cookie"],
             len(prepared["answer"])),
            ("home listing", "/api/v1/home", None, len(prepared["home"])),
            # The same read as a web page, the same reader: how the API compares with the site.
            ("(for comparison) the same story's web page, the same reader", prepared["page"], prepared["cookie"],
             prepared["page_size"]),
        ):
            load.wrk(base + path, duration_s=args.warmup, connections=args.connections, cookie=cookie)
            with servers.RssSampler(server.pid) as rss:
                result = load.wrk(base + path, duration_s=args.duration, connections=args.connections, cookie=cookie)
            log(f"{label}: {title}: {result.requests_per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                f"{result.errors} errors")
            rows.append({"setup": label, "measure": f"{title} ({size / 1024:.1f} KB)", "result": result,
                         "rss": rss.peak})
    return rows, prepared["answer"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8430, help="first of the ports used (up to port+2)")
    parser.add_argument("--embedded-only", action="store_true")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    args.duration = args.duration or (3 if args.quick else 10)
    args.warmup = 1 if args.quick else 3

    servers.ensure_tools()
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-api-"))
    workdir.chmod(0o755)
    rows, answer = measure("embedded (SQLite)", postgres=False, workdir=workdir, port=args.port, args=args)
    skipped = "skipped (--embedded-only)" if args.embedded_only else reset_postgres_and_redis()
    if not skipped:
        more, _ = measure("PostgreSQL + Redis", postgres=True, workdir=workdir, port=args.port + 2, args=args)
        rows += more
    with servers.nginx_server(args.port + 1, answer, workdir) as nginx:
        load.wrk(nginx.url, duration_s=args.warmup, connections=args.connections)
        nginx_result = load.wrk(nginx.url, duration_s=args.duration, connections=args.connections)
    log(f"nginx: {nginx_result.requests_per_s:.0f} req/s")
    load_after = os.getloadavg()[0]

    lines = [
        f"API benchmark {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC (wrk -t2 -c{args.connections} "
        f"-d{args.duration:g}s after a {args.warmup:g}s warm-up; `masthead serve` = granian, one worker per core)",
        *machine.markdown_lines(machine.describe()),
        f"- Load average (1 min) {load_before:.2f} before the run, {load_after:.2f} after",
        "",
        "| Setup | Measure | Throughput | p50 | p99 | Errors | vs nginx | Server RSS |",
        "|---|---|---|---|---|---|---|---|",
        f"| nginx (reference) | static copy of the article answer ({len(answer) / 1024:.1f} KB) | "
        f"{report.req_s(nginx_result.requests_per_s)} | {report.ms(nginx_result.p50_ms)} | "
        f"{report.ms(nginx_result.p99_ms)} | {nginx_result.errors} | 100% | |",
    ]
    for row in rows:
        result = row["result"]
        ratio = result.requests_per_s / nginx_result.requests_per_s
        lines.append(f"| {row['setup']} | {row['measure']} | {report.req_s(result.requests_per_s)} | "
                     f"{report.ms(result.p50_ms)} | {report.ms(result.p99_ms)} | {result.errors} | "
                     f"{ratio:.1%} | {report.mib(row['rss'])} |")
    if skipped:
        lines.append(f"| PostgreSQL + Redis | both | | | | | {skipped} | |")
    table = "\n".join(lines) + "\n"
    print(table)
    output = args.output or ROOT / "bench" / "results" / f"api-{dt.date.today().isoformat()}-{os.uname().nodename}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(table)
    log(f"written to {output}")
    return 0 if all(r["result"].errors == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
