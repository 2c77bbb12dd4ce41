"""`masthead demo`: migrate, seed the demo publication, and serve it with a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up and serve the demo publication (SQLite, no other service)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then exit.")
        parser.add_argument("--archive", type=int, default=0, metavar="N",
                            help="Also generate an archive of N stories from 1997 to today (bulk, then indexed).")

    def handle(self, *args, port, host, no_serve, archive=0, **options):
        from masthead import demo

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        result = demo.seed(progress=lambda line: self.stdout.write("  " + line))
        username, password = result["editor"]
        if archive < 0:
            from django.core.management.base import CommandError

            raise CommandError("--archive takes a number of stories (0 or more)")
        if archive:
            self._archive(archive)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nThe demo publication is at {address}"))
        self.stdout.write(f"Editors log in at {address}admin/ as '{username}' with password '{password}'")
        roles = ", ".join(f"'{name}' ({role.lower()})" for name, role in result.get("newsroom", []))
        if roles:
            self.stdout.write(f"The newsroom's roles, same password: {roles}")
        self.stdout.write(f"The apps' API is at {address}api/v1/ (schema: {address}api/v1/openapi.json; "
                          f"staff read the docs at {address}api/v1/docs)")
        from django.conf import settings

        self.stdout.write(
            f"E-mails the demo sends (sign-up codes, receipts, renewal notices) are written to {settings.EMAIL_FILE_PATH}/"
        )
        if no_serve:
            return
        self.stdout.write("Press Ctrl-C to stop the server and the worker.\n")
        self._serve(host, port)

    def _archive(self, count: int) -> None:
        from masthead import demo
        from masthead.core.progress import Bar

        bars = []

        def bar_for(label: str):
            if bars:
                bars[-1].close()
            bars.append(Bar(label, self.stdout))
            return bars[-1]

        done = demo.archive(count, bar_for)
        if bars:
            bars[-1].close()
        self.stdout.write(
            f"  Archive: {done['added']:,} stories added in {done['write_seconds']:.1f}s; search index holds "
            f"{done['indexed']:,} ({done['index_seconds']:.1f}s)"
        )

    def _serve(self, host: str, port: int) -> None:
        # Stopped by a signal (a terminal closing, `timeout`, a service manager) as by Ctrl-C:
        # the server and the worker are stopped too, never left running on their own.
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, _interrupt)
        env = {**os.environ, "MASTHEAD_DEBUG": os.environ.get("MASTHEAD_DEBUG", "1"),
               "MASTHEAD_PUBLIC_URL": os.environ.get("MASTHEAD_PUBLIC_URL", f"http://{host}:{port}")}
        masthead = [sys.executable, "-m", "masthead"]
        children = [
            subprocess.Popen([*masthead, "serve", "--host", host, "--port", str(port), "--no-collectstatic"], env=env),
            subprocess.Popen([*masthead, "worker"], env=env),
        ]
        try:
            while all(child.poll() is None for child in children):
                try:
                    children[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    pass
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("Stopped.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
