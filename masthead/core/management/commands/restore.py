"""`masthead restore`: put a `masthead backup` archive back in the data dir."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.backup import BackupError, restore
from masthead.core.progress import Stages


class Command(BaseCommand):
    help = ("Restore a `masthead backup` archive (stop `masthead serve` and `masthead worker` first). "
            "What it replaces is moved to <data dir>/before-restore-<time>/, never deleted.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="Replace a database that is already there.")

    def handle(self, *args, archive, force=False, **options):
        started = time.monotonic()
        try:
            result = restore(Path(archive), force=force, progress=Stages(self.stdout))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        aside = f"; the files it replaced are in {result['moved_aside']}" if result["moved_aside"] else ""
        self.stdout.write(self.style.SUCCESS(
            f"Restored {result['files']} file(s) from the backup made {result['created']} in "
            f"{time.monotonic() - started:.1f}s{aside}. Run `masthead migrate` if this version is newer."))
