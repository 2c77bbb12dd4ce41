"""`masthead renew`: send renewal notices, charge what is due, end what is over."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from masthead.billing.renewals import renew_due


class Command(BaseCommand):
    help = "Renew due subscriptions (safe to stop and run again: nothing is charged twice)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many per stage.")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, limit=None, quiet=False, **options):
        started = time.monotonic()
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def progress(stage: str, done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            line = f"{stage:<9} [{bar}] {done}/{total}"
            if interactive:
                self.stdout.write("\r" + line, ending="\n" if done == total else "")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        report = renew_due(progress=progress, limit=limit)
        self.stdout.write(self.style.SUCCESS(f"{report.as_line()} in {time.monotonic() - started:.1f}s"))
