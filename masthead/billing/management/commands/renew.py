"""`masthead renew`: send renewal notices, charge what is due, end what is over."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from masthead.billing.renewals import renew_due
from masthead.core.progress import Stages


class Command(BaseCommand):
    help = "Renew due subscriptions (safe to stop and run again: nothing is charged twice)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many per stage.")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, limit=None, quiet=False, **options):
        started = time.monotonic()
        stages = Stages(self.stdout)

        def progress(stage: str, done: int, total: int) -> None:
            if not quiet:
                stages(stage, done, total)

        report = renew_due(progress=progress, limit=limit)
        self.stdout.write(self.style.SUCCESS(f"{report.as_line()} in {time.monotonic() - started:.1f}s"))
