"""`masthead subscribers import FILE [--dry-run]` and `masthead subscribers export [FILE]`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.billing.subscriber_import import ImportFileError, export_subscribers, import_subscribers


class Command(BaseCommand):
    help = "Import subscribers from another system (CSV or JSON), or export them in the same format."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a CSV or JSON file of subscribers (safe to run again).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        imp.add_argument("--format", choices=["csv", "json"], default=None, help="Default: from the file's ending.")
        imp.add_argument("--source", default="", help="The system the subscribers come from (kept on each).")
        imp.add_argument("--quiet", action="store_true")
        exp = sub.add_parser("export", help="Export subscribers in the import's format.")
        exp.add_argument("file", nargs="?", default="-", help="Where to write (default: standard output).")
        exp.add_argument("--format", choices=["csv", "json"], default=None)

    def handle(self, *args, action, **options):
        if action == "export":
            return self._export(options["file"], options["format"])
        return self._import(options["file"], options["format"], options["dry_run"], options["source"], options["quiet"])

    def _export(self, file: str, fmt: str | None):
        fmt = fmt or ("json" if file.endswith(".json") else "csv")
        text = export_subscribers(fmt)
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            Path(file).write_text(text, encoding="utf-8")
            self.stderr.write(f"Exported to {file}")

    def _import(self, file: str, fmt: str | None, dry_run: bool, source: str, quiet: bool):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}")
        fmt = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
        started = time.monotonic()
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * done // max(total, 1)
            line = f"rows [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
            if interactive:
                self.stdout.write("\r" + line, ending="\n" if done == total else "")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        try:
            report = import_subscribers(path.read_bytes(), fmt, dry_run=dry_run, progress=progress, source=source)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        for error in report.errors:
            self.stdout.write(self.style.WARNING(str(error)))
        elapsed = time.monotonic() - started
        rate = report.rows / elapsed if elapsed else 0
        line = f"{'Dry run: ' if dry_run else ''}{report.as_line()} in {elapsed:.1f}s ({rate:,.0f} rows/s)"
        self.stdout.write(self.style.SUCCESS(line) if not report.errors else self.style.WARNING(line))
