"""`masthead rollup`: roll raw funnel events and the books up into the revenue desk's daily tables."""

from __future__ import annotations

import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from masthead.analytics import events, experiments
from masthead.analytics.rollup import rollup_days, zone
from masthead.core import clock


class Command(BaseCommand):
    help = "Roll up days for the revenue desk (safe to rerun: a day rolled up again gives the same numbers)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First day, YYYY-MM-DD (default: yesterday).")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default: today).")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, first=None, last=None, quiet=False, **options):
        today = clock.now().astimezone(zone()).date()
        try:
            last_day = dt.date.fromisoformat(last) if last else today
            first_day = dt.date.fromisoformat(first) if first else min(today - dt.timedelta(days=1), last_day)
        except ValueError as error:
            raise CommandError(f"Days are written YYYY-MM-DD: {error}") from error
        if first_day > last_day:
            raise CommandError("--from is after --to.")
        events.flush()
        experiments.flush_assignments()
        started = time.monotonic()
        interactive = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            bar = "#" * (width * done // max(total, 1))
            line = f"days [{bar:<{width}}] {done}/{total}"
            if interactive:
                self.stdout.write("\r" + line, ending="\n" if done == total else "")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        summary = rollup_days(first_day, last_day, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{summary.as_line()} in {time.monotonic() - started:.1f}s"))
