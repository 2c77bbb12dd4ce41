"""`masthead backup`: the embedded default's databases and files in one archive."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.core.backup import BackupError, backup
from masthead.core.progress import Stages


class Command(BaseCommand):
    help = ("Back up the SQLite databases (online: the server may keep running), uploaded files and the "
            "secret key to one .tar.gz. PostgreSQL is backed up with pg_dump (docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="Where to write it (default: <data dir>/backups/masthead-<time>.tar.gz).")

    def handle(self, *args, archive=None, **options):
        started = time.monotonic()
        if archive is None:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            archive = Path(settings.DATA_DIR) / "backups" / f"masthead-{stamp}.tar.gz"
        try:
            manifest = backup(Path(archive), progress=Stages(self.stdout))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        files = manifest["files"]
        size = sum(entry["size"] for entry in files.values())
        media = sum(1 for name in files if name.startswith("media/"))
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {len(files) - media} database and key file(s) and {media} uploaded file(s), "
            f"{size / 1e6:.1f} MB, to {archive} in {time.monotonic() - started:.1f}s"))
