"""`make bench`: Masthead's pages under load beside nginx, plus the in-process benchmarks.

For each store (the embedded default, then PostgreSQL + Redis) it makes a fresh data dir,
migrates and seeds the demo, starts `masthead serve` (granian) on loopback, prepares the
readers (an anonymous reader whose read is already counted, one at the limit, a subscriber),
and runs bounded wrk loads. nginx serves a saved copy of the same article page in the same
run as the reference. The table goes to stdout and to bench/results/<date>-<host>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, machine, report, servers  # noqa: E402
from bench.report import Row  # noqa: E402

# The code under test: the working tree, or a commit exported with `git archive` (--commit).
SOURCE = ROOT
OTHER_OWNERS_BENCHES = ("meter.py", "renewals.py")
# An experiment can measure other settings (--settings path/to/module.py that star-imports
# masthead.settings and changes one thing).
SETTINGS_MODULE = "masthead.settings"
EXTRA_PATH: list[str] = []
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/mh_bench"
REDIS_URL = "redis://127.0.0.1:6379/6"
PAGES = [  # (kind, what the row says, url key, cookie key)
    ("free", "free article", "free_url", None),
    ("metered", "anonymous metered read, already counted", "metered_url", "metered"),
    ("gated", "anonymous gated read (limit reached)", "gated_url", "gated"),
    ("subscriber", "subscriber's read", "metered_url", "subscriber"),
    ("home", "home page", "home_url", None),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def base_env(data_dir: Path, *, postgres: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update({
        "MASTHEAD_DATA_DIR": str(data_dir),
        "MASTHEAD_DEBUG": "0",
        "MASTHEAD_LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join([str(SOURCE), *EXTRA_PATH]),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
    })
    if postgres:
        env["MASTHEAD_DATABASE_URL"] = POSTGRES_URL
        env["MASTHEAD_REDIS_URL"] = REDIS_URL
    return env


def reset_postgres_and_redis() -> str | None:
    """A fresh mh_bench database and an empty Redis db 6; the reason when they are unreachable."""
    try:
        import psycopg
        import redis

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True,
                             connect_timeout=5) as conn:
            conn.execute("DROP DATABASE IF EXISTS mh_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE mh_bench")
            version = conn.execute("SHOW server_version").fetchone()[0]
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        client.flushdb()
        redis_version = client.info("server")["redis_version"]
    except Exception as exc:  # the suite still runs on the embedded default
        return f"PostgreSQL/Redis not reachable on loopback: {exc}"
    reset_postgres_and_redis.versions = {"PostgreSQL": version.split()[0], "Redis": redis_version}
    return None


def run_checked(argv: list[str], env: dict[str, str], what: str, timeout: int = 900,
                show_progress: bool = False) -> str:
    """Run a step; its stdout is the answer. With show_progress its stderr goes to the terminal."""
    done = subprocess.run(argv, env=env, cwd=SOURCE, stdout=subprocess.PIPE,
                          stderr=None if show_progress else subprocess.PIPE, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{(done.stderr or '')[-4000:]}")
    return done.stdout


def verify(prepared: dict, base: str) -> dict[str, str]:
    """One request per scenario before the load: what the page is, so a row cannot lie."""
    import urllib.error
    import urllib.request

    seen = {}
    for kind, _, url_key, cookie_key in PAGES:
        request = urllib.request.Request(base + prepared[url_key])
        if cookie_key:
            request.add_header("Cookie", prepared["cookies"][cookie_key])
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode("utf-8", "replace")
        gated = "reached your limit" in body.replace("\u2019", "'")
        if status != 200:
            seen[kind] = f"HTTP {status}"
        elif kind == "gated":
            seen[kind] = "paywall" if gated else "NOT gated"
        elif kind in ("metered", "subscriber"):
            seen[kind] = "full text" if not gated else "PAYWALL"
        else:
            seen[kind] = "200"
        seen[kind] += f", {len(body.encode()) / 1024:.0f} KB"
    return seen


class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure_store(label: str, *, postgres: bool, workdir: Path, port: int, args,
                  nginx_rps: dict) -> tuple[list[Row], dict]:
    """Seed, serve and load one store; returns rows (ratios filled in later) and facts."""
    data_dir = workdir / ("postgres" if postgres else "embedded")
    data_dir.mkdir()
    env = base_env(data_dir, postgres=postgres)
    log(f"{label}: migrating and seeding the demo in {data_dir}")
    started = time.monotonic()
    run_checked([sys.executable, "-m", "masthead", "demo", "--no-serve"], env, "masthead demo --no-serve")
    seed_s = time.monotonic() - started
    facts: dict = {"seed_s": seed_s, "data_dir": data_dir}
    rows: list[Row] = []
    with servers.masthead_server(port, env={**env, "MASTHEAD_PUBLIC_URL": f"http://127.0.0.1:{port}"},
                                 log=workdir / f"serve-{data_dir.name}.log", source=SOURCE) as server:
        base = server.url.rstrip("/")
        log(f"{label}: preparing readers")
        prepared = json.loads(run_checked([sys.executable, "-m", "bench.prepare", "--base", base], env,
                                          "bench/prepare.py"))
        facts["prepared"] = prepared
        facts["checks"] = checks = verify(prepared, base)
        log(f"{label}: {checks}")
        for kind, title, url_key, cookie_key in PAGES:
            url = base + prepared[url_key]
            cookie = prepared["cookies"][cookie_key] if cookie_key else None
            load.wrk(url, duration_s=args.warmup, connections=args.connections, cookie=cookie)
            with servers.RssSampler(server.pid) as rss:
                result = load.wrk(url, duration_s=args.duration, connections=args.connections, cookie=cookie)
            log(f"{label}: {title}: {result.requests_per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                f"{result.errors} errors, {rss.peak / report.MB:.0f} MB")
            facts.setdefault("results", {})[kind] = (result, rss.peak)
            rows.append(Row(setup=label, measure=f"{title} ({checks[kind]})"))
        # The access decision and meter through the page: the same server, one connection,
        # a metered (already counted) read right after a free one, pair after pair. The free
        # read carries a query string so the page cache does not answer it: both go through
        # the whole stack and the same view, and differ by the decision and the meter.
        metered_cookie = prepared["cookies"]["metered"]
        single = load.paired(base, (prepared["free_url"] + "?from=bench", None),
                             (prepared["metered_url"], metered_cookie), duration_s=args.single * 2)
        facts["single"] = single
        facts["peak_rss"] = max(peak for _, peak in facts["results"].values())
    return rows, facts


def fill_page_rows(rows: list[Row], facts: dict, nginx: load.LoadResult | None, *, postgres: bool) -> list[Row]:
    for row, (kind, *_rest) in zip(rows, PAGES):
        result, peak = facts["results"][kind]
        ratio = result.requests_per_s / nginx.requests_per_s if nginx else None
        row.throughput = report.req_s(result.requests_per_s)
        row.p50, row.p99 = report.ms(result.p50_ms), report.ms(result.p99_ms)
        row.errors = str(result.errors)
        row.ratio = f"{ratio:.1%}" if ratio is not None else "—"
        row.rss = report.mib(peak)
        check = facts["checks"][kind]
        checks = report.page_checks(kind, postgres=postgres, ratio=ratio, p99_ms=result.p99_ms,
                                    errors=result.errors, rss=peak)
        expected = {"metered": "full text", "gated": "paywall", "subscriber": "full text"}.get(kind, "200")
        checks.append((f"serves the {expected}", check.startswith(expected)))
        row.target, row.met = report.verdict(checks)
    single = facts["single"]
    d50, d99 = single.p50_ms, single.p99_ms
    setup = rows[0].setup if rows else ""
    decision = Row(setup=setup, measure=f"decision + meter through the page: metered (counted) minus free "
                   f"read, paired on 1 connection ({single.pairs:,} pairs)",
                   throughput=report.req_s(single.second_per_s),
                   p50=f"{d50:+.2f} ms", p99=f"{d99:+.2f} ms", errors=str(single.errors))
    decision.target, decision.met = report.verdict([("adds < 1 ms at p99", d99 < 1.0)])
    return [*rows, decision]


def module_rows(module: str, call: str, env: dict[str, str], setup: str, timeout: int) -> list[Row]:
    """Rows from bench/meter.py or bench/renewals.py, run in a process set up like the server."""
    if not (SOURCE / "bench" / f"{module}.py").exists():
        return [Row(setup=setup, measure=f"bench/{module}.py", target="not yet available")]
    code = ("import django, json, sys; django.setup(); "
            f"from bench import {module}; rows = {module}.{call}; "
            "sys.stdout.write('\\n@@JSON@@' + json.dumps(rows, default=str))")
    try:
        out = run_checked([sys.executable, "-c", code], env, f"bench/{module}.py", timeout=timeout,
                          show_progress=True)
        results = json.loads(out.rsplit("@@JSON@@", 1)[1])
    except Exception as exc:
        log(f"bench/{module}.py failed: {exc}")
        return [Row(setup=setup, measure=f"bench/{module}.py", target=f"failed: {str(exc).splitlines()[0][:100]}",
                    met="missed")]
    return report.rows_from_module(setup, results)


def code_under_test(commit: str | None) -> str:
    """Which code the figures belong to: a commit, or the working tree on top of one."""
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    if commit:
        return f"commit {git('rev-parse', '--short', commit) or commit}"
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "masthead")
    return f"working tree at {head}" + (" with uncommitted changes under masthead/" if dirty else "")


def export_commit(commit: str, target: Path) -> None:
    """Measure a commit rather than a tree others are editing: `git archive` it to `target`.

    The benchmark's own modules come from the working tree; the other owners' benchmarks
    (meter.py, renewals.py) come from the commit, with the code they measure.
    """
    global SOURCE
    target.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / "bench").mkdir(exist_ok=True)
    for path in (ROOT / "bench").glob("*.py"):
        if path.name not in OTHER_OWNERS_BENCHES:
            shutil.copy2(path, target / "bench" / path.name)
    SOURCE = target
    log(f"measuring commit {commit} exported to {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test of the harness)")
    parser.add_argument("--duration", type=float, help="seconds per measured wrk run (default 10, quick 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8310, help="Masthead's port (nginx uses port+1)")
    parser.add_argument("--embedded-only", action="store_true", help="skip PostgreSQL + Redis")
    parser.add_argument("--renewals", type=int, help="subscriptions for bench/renewals.py (default 100000, quick 2000)")
    parser.add_argument("--output", type=Path, help="where to write the table (default bench/results/)")
    parser.add_argument("--commit", help="measure this commit (exported with git archive) instead of the working tree")
    parser.add_argument("--settings", type=Path, help="a settings file to measure instead of masthead.settings")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    args = parser.parse_args(argv)
    args.duration = args.duration or (3 if args.quick else 10)
    args.warmup = 1 if args.quick else 3
    args.single = 2 if args.quick else 5
    args.renewals = args.renewals or (2000 if args.quick else 100_000)

    servers.ensure_tools()
    load_before = os.getloadavg()[0]
    code = code_under_test(args.commit)
    if args.settings:
        global SETTINGS_MODULE
        SETTINGS_MODULE = args.settings.stem
        EXTRA_PATH.append(str(args.settings.resolve().parent))
        log(f"measuring with the settings in {args.settings}")
    facts_machine = machine.describe()
    workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    workdir.chmod(0o755)  # nginx's unprivileged workers read the page from here
    log(f"working in {workdir}")
    if args.commit:
        export_commit(args.commit, workdir / "source")
    rows: list[Row] = []
    extra_versions: dict[str, str] = {}
    try:
        embedded_rows, embedded = measure_store("embedded (SQLite)", postgres=False, workdir=workdir,
                                                port=args.port, args=args, nginx_rps={})
        page = embedded["prepared"]["metered_page"].encode()
        log(f"nginx: serving the saved article page ({len(page) / 1024:.0f} KB)")
        with servers.nginx_server(args.port + 1, page, workdir) as nginx:
            load.wrk(nginx.url, duration_s=args.warmup, connections=args.connections)
            with servers.RssSampler(nginx.pid) as nginx_rss:
                nginx_result = load.wrk(nginx.url, duration_s=args.duration, connections=args.connections)
        log(f"nginx: {nginx_result.requests_per_s:.0f} req/s")
        rows.append(Row(setup="nginx (reference)", measure=f"static copy of the article page ({len(page) / 1024:.0f} KB)",
                        throughput=report.req_s(nginx_result.requests_per_s), p50=report.ms(nginx_result.p50_ms),
                        p99=report.ms(nginx_result.p99_ms), errors=str(nginx_result.errors), ratio="100%",
                        rss=report.mib(nginx_rss.peak)))
        rows += fill_page_rows(embedded_rows, embedded, nginx_result, postgres=False)
        notes = [f"embedded: {n}" for n in embedded["prepared"]["notes"]]
        if embedded["checks"]["gated"].startswith("paywall"):
            notes.append(f"embedded: a new reader met the paywall after "
                         f"{embedded['prepared']['free_reads_before_paywall']} free reads")
        notes.append(f"embedded: the demo was migrated and seeded in {embedded['seed_s']:.0f} s")
        embedded_env = base_env(embedded["data_dir"], postgres=False)

        unreachable = None if not args.embedded_only else "skipped (--embedded-only)"
        unreachable = unreachable or reset_postgres_and_redis()
        if unreachable:
            rows.append(Row(setup="PostgreSQL + Redis", measure="all pages", target=unreachable))
        else:
            extra_versions = getattr(reset_postgres_and_redis, "versions", {})
            try:
                pg_rows, pg = measure_store("PostgreSQL + Redis", postgres=True, workdir=workdir,
                                            port=args.port + 2, args=args, nginx_rps={})
            except Exception as exc:  # the rest of the table still stands
                log(f"PostgreSQL + Redis failed: {exc}")
                rows.append(Row(setup="PostgreSQL + Redis", measure="all pages", met="missed",
                                target=f"failed: {str(exc).splitlines()[0][:120]}"))
            else:
                rows += fill_page_rows(pg_rows, pg, nginx_result, postgres=True)
                notes += [f"PostgreSQL + Redis: {n}" for n in pg["prepared"]["notes"]]

        log("bench/meter.py: decisions per second per store, in-process")
        meter_env = {**embedded_env, "MASTHEAD_BENCH_POSTGRES_URL": POSTGRES_URL,
                     "MASTHEAD_BENCH_REDIS_URL": REDIS_URL, "MASTHEAD_BENCH_QUICK": "1" if args.quick else "0"}
        rows += module_rows("meter", "run()", meter_env, "in-process", timeout=900)
        log(f"bench/renewals.py: renewing {args.renewals:,} due subscriptions against the sandbox")
        rows += module_rows("renewals", f"run(n={args.renewals})", embedded_env, "in-process (SQLite)",
                            timeout=3600)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    table = report.markdown_table(rows)
    when = dt.datetime.now(dt.timezone.utc)
    header = [f"Benchmark run {when:%Y-%m-%d %H:%M} UTC "
              f"({'quick: ' if args.quick else ''}wrk -t2 -c{args.connections} -d{args.duration:g}s after a "
              f"{args.warmup:g}s warm-up; `masthead serve` = granian, one worker per core; {code})",
              *machine.markdown_lines(facts_machine, extra_versions),
              f"- Load average (1 min) {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after: other "
              "work on the machine lowers every figure, nginx's included, so compare the ratios"]
    document = "\n".join([*header, "", table, "", *[f"- Note: {n}" for n in notes], ""])
    print(document)
    output = args.output or ROOT / "bench" / "results" / f"{when:%Y-%m-%d}-{facts_machine['host']}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document)
    log(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
