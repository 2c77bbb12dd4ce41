"""Where an anonymous metered read spends its time: py-spy on `masthead serve` under wrk.

    .venv/bin/python bench/profile.py [--scenario metered|gated|free|home] [--seconds 20]

Seeds a fresh demo, serves it with granian (one worker, so the profile is one process),
prepares the same readers as bench/run.py, loads the page with wrk while py-spy samples
the worker, and prints the functions with the largest share of samples (inclusive and
self), plus a flame graph (SVG) path. Needs py-spy (`.venv/bin/pip install py-spy`).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, run, servers  # noqa: E402

URLS = {"metered": ("metered_url", "metered"), "gated": ("gated_url", "gated"),
        "free": ("free_url", None), "home": ("home_url", None), "subscriber": ("metered_url", "subscriber")}


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


def top_frames(raw: Path, limit: int = 25) -> tuple[list[tuple[str, float]], list[tuple[str, float]], int]:
    """From py-spy's collapsed stacks: (inclusive share, self share) per function, and samples."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].replace(str(ROOT) + "/", "")
                  .split("site-packages/")[-1] + ")" if " (" in f else f for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    share = lambda counter: [(name, 100.0 * n / total) for name, n in counter.most_common(limit)]  # noqa: E731
    return share(inclusive), share(own), total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=sorted(URLS), default="metered")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8320)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis instead of SQLite")
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "masthead-profile.svg")
    args = parser.parse_args(argv)
    spy = py_spy()
    workdir = Path(tempfile.mkdtemp(prefix="masthead-profile-"))
    try:
        if args.postgres:
            reason = run.reset_postgres_and_redis()
            if reason:
                raise SystemExit(reason)
        data_dir = workdir / "data"
        data_dir.mkdir()
        env = run.base_env(data_dir, postgres=args.postgres)
        run.run_checked([sys.executable, "-m", "masthead", "demo", "--no-serve"], env, "masthead demo")
        env1 = {**env, "MASTHEAD_SERVE_WORKERS": "1"}
        with servers.masthead_server(args.port, env=env1, log=workdir / "serve.log", source=run.SOURCE) as server:
            base = server.url.rstrip("/")
            prepared = json.loads(run.run_checked([sys.executable, "-m", "bench.prepare", "--base", base], env,
                                                  "bench/prepare.py"))
            url_key, cookie_key = URLS[args.scenario]
            url = base + prepared[url_key]
            cookie = prepared["cookies"][cookie_key] if cookie_key else None
            print(f"profiling {args.scenario}: {url} ({run.verify(prepared, base)[args.scenario]})", flush=True)
            load.wrk(url, duration_s=3, cookie=cookie)
            raw = workdir / "profile.txt"
            recorder = [spy, "record", "--subprocesses", "--pid", str(server.pid), "--rate", "250", "--nonblocking"]
            loader = threading.Thread(target=lambda: print(load.wrk(url, duration_s=args.seconds + 2, cookie=cookie)))
            loader.start()
            subprocess.run([*recorder, "--duration", str(args.seconds), "--format", "raw", "--output", str(raw)], check=True,
                           capture_output=True)
            loader.join()
            load.wrk(url, duration_s=2, cookie=cookie)
            svg = threading.Thread(target=lambda: load.wrk(url, duration_s=args.seconds // 2 + 2, cookie=cookie))
            svg.start()
            subprocess.run([*recorder, "--duration", str(args.seconds // 2), "--output", str(args.output)],
                           check=True, capture_output=True)
            svg.join()
        inclusive, own, total = top_frames(raw)
        print(f"\n{total} samples of the worker under wrk -c32 ({args.scenario} read); flame graph: {args.output}\n")
        print("| inclusive | function |\n|---|---|")
        for name, pct in inclusive:
            print(f"| {pct:.1f}% | `{name}` |")
        print("\n| inclusive | Masthead function |\n|---|---|")
        for name, pct in [(n, p) for n, p in top_frames(raw, limit=400)[0] if "(masthead/" in n][:20]:
            print(f"| {pct:.1f}% | `{name}` |")
        print("\n| self | function |\n|---|---|")
        for name, pct in own:
            print(f"| {pct:.1f}% | `{name}` |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
