"""`masthead epaper import FILE|FOLDER --date D --edition NAME`: bring in back issues.

Each PDF becomes an edition and is processed here (not in the worker), with a progress bar
over its pages. A folder imports every PDF in it; a file's date is the one in its name
(2026-12-02 or 20261202) or else --date. A file that fails is reported with its reason and
the rest go on.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.epaper import actions
from masthead.epaper.models import Edition

DATE_IN_NAME = re.compile(r"(20[0-9]{2}|19[0-9]{2})-?([01][0-9])-?([0-3][0-9])")


def date_in_name(path: Path) -> dt.date | None:
    """The date a file's name carries (2026-12-02 or 20261202), if a real one."""
    found = DATE_IN_NAME.search(path.stem)
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


class Command(BaseCommand):
    help = "ePaper editions: `import FILE|FOLDER --date D --edition NAME` for back issues."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        importing = commands.add_parser("import", help="Import a PDF, or every PDF in a folder, as editions.")
        importing.add_argument("path", help="A PDF file or a folder of them.")
        importing.add_argument("--date", help="The edition's date, YYYY-MM-DD (for a folder: files whose name has none).")
        importing.add_argument("--edition", default="Main", help="The edition's name (default: Main).")
        importing.add_argument("--unpublished", action="store_true", help="Leave the editions ready, not published.")
        importing.add_argument("--quiet", action="store_true")

    def handle(self, *args, command=None, path=None, date=None, edition="Main", unpublished=False, quiet=False,
               **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{source} does not exist.")
        given = None
        if date:
            try:
                given = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date {date!r} is not a date like 2026-12-02.") from None
        pdfs = sorted(p for p in source.iterdir() if p.suffix.lower() == ".pdf") if source.is_dir() else [source]
        if not pdfs:
            raise CommandError(f"No PDF files in {source}.")
        interactive = sys.stdout.isatty()
        started = time.monotonic()
        imported = failed = pages = 0
        for number, pdf in enumerate(pdfs, 1):
            when = date_in_name(pdf) if source.is_dir() else None
            when = when or given
            label = f"[{number}/{len(pdfs)}] {pdf.name}"
            if when is None:
                failed += 1
                self.stderr.write(f"{label}: skipped: no date in its name and no --date given")
                continue

            def progress(done: int, total: int, label=label) -> None:
                if quiet:
                    return
                width = 30
                filled = width * done // max(total, 1)
                line = f"{label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total} pages"
                if interactive:
                    self.stdout.write("\r" + line, ending="\n" if done == total else "")
                    self.stdout.flush()
                else:
                    self.stdout.write(line)

            received = actions.receive_edition(date=when, name=edition, data=pdf.read_bytes(),
                                               publish_when_ready=not unpublished, process=False)
            result = received if received.state == Edition.State.FAILED else \
                actions.process_edition(received.pk, progress=progress)
            if result.state == Edition.State.FAILED:
                failed += 1
                self.stderr.write(f"{label}: failed: {result.failure_reason}")
            else:
                imported += 1
                pages += result.page_count
        summary = (f"Imported {imported} edition{'s' if imported != 1 else ''} ({pages} pages), "
                   f"{failed} failed, in {time.monotonic() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS(summary) if not failed else self.style.WARNING(summary))
        if failed and not imported:
            raise CommandError("Nothing was imported.")
