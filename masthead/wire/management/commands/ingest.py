"""`masthead ingest`: one pass over the wire sources, or files and folders into one source."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from masthead.core.progress import Bar
from masthead.wire import actions
from masthead.wire.models import WireSource


class Command(BaseCommand):
    help = ("With no argument, one pass over every enabled wire source; --source NAME over one; "
            "with PATHs, those files or folders into the named source (default: an ad hoc source). "
            "Files named here are read in place, never moved.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH")
        parser.add_argument("--source", metavar="NAME", help="A wire source's name or slug.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, paths=(), source=None, quiet=False, **options):
        started = time.monotonic()
        bar = None if quiet else Bar("ingest", self.stdout)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar(done, total)

        try:
            if paths:
                wire_source = actions.source_named(source)
                tally = actions.ingest_paths(wire_source, list(paths), progress=progress)
            elif source:
                tally = actions.poll_all(only=actions.source_named(source), progress=progress)
            else:
                tally = actions.poll_all(progress=progress)
        except (WireSource.DoesNotExist, FileNotFoundError) as exc:
            raise CommandError(str(exc.args[0] if exc.args else exc)) from None
        for note in tally.notes[:50]:
            self.stdout.write(f"  {note}")
        if len(tally.notes) > 50:
            self.stdout.write(f"  ... and {len(tally.notes) - 50} more notes")
        self.stdout.write(self.style.SUCCESS(f"{tally.as_line()} in {time.monotonic() - started:.1f}s"))
