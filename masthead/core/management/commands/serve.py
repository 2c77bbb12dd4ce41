"""`masthead serve`: the production server (granian, WSGI), one worker per core."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def server_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--no-ws",
        "--log-level", "warning",
        "masthead.wsgi:application",
    ]


def prepare_metrics_dir(port: int, workers: int) -> str:
    """The folder the workers share their counters in ("" when one process needs none).

    MASTHEAD_METRICS_DIR, when set, is shared with other processes (the worker) and kept.
    Otherwise several workers get a folder of their own for this port, emptied at start so
    counters begin at zero with the server, as Prometheus expects after a restart.
    """
    if settings.MASTHEAD_METRICS_DIR:
        return settings.MASTHEAD_METRICS_DIR
    if workers <= 1:
        return ""
    folder = Path(settings.DATA_DIR) / "metrics" / f"serve-{port}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return str(folder)


class Command(BaseCommand):
    help = (
        "Serve Masthead with the production server (granian). Static files are served by WhiteNoise, "
        "uploaded files under /media/ by Masthead (MASTHEAD_SERVE_MEDIA=0 when the proxy serves them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MASTHEAD_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=settings.MASTHEAD_SERVE_WORKERS or (os.cpu_count() or 1))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("MASTHEAD_SERVE_THREADS", "4")),
                            help="Blocking threads per worker.")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        metrics_dir = prepare_metrics_dir(port, workers)
        if metrics_dir:
            os.environ["MASTHEAD_METRICS_DIR"] = metrics_dir
        argv = server_argv(host, port, workers, threads)
        self.stdout.write(f"Serving on http://{host}:{port}/ with {workers} worker(s)")
        sys.stdout.flush()
        os.execv(argv[0], argv)
