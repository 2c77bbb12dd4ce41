"""`masthead newsletters send ISSUE` and `masthead newsletters bounces FOLDER`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from masthead.newsletters import sending, suppression
from masthead.newsletters.models import Issue


class Command(BaseCommand):
    help = "Send a newsletter issue (safe to stop and run again: nobody gets it twice), or read bounces."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        send = commands.add_parser("send", help="Send an issue to every recipient not yet sent it.")
        send.add_argument("issue", type=int, help="The issue's number (its id in the admin).")
        send.add_argument("--rate", type=float, default=None, help="Messages per second (0: no limit).")
        send.add_argument("--batch", type=int, default=None, help="Messages per mail-server connection.")
        send.add_argument("--quiet", action="store_true")
        bounces = commands.add_parser("bounces", help="Suppress addresses named by bounce and complaint messages.")
        bounces.add_argument("folder", help="A Maildir folder or an mbox file.")
        bounces.add_argument("--remove", action="store_true", help="Delete the messages that were read.")
        bounces.add_argument("--quiet", action="store_true")

    def _progress(self, label: str, quiet: bool):
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        last = {"line": ""}

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * done // max(total, 1)
            line = f"{label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
            if line == last["line"]:
                return
            last["line"] = line
            if interactive:
                self.stdout.write("\r" + line, ending="\n" if done == total else "")
                self.stdout.flush()
            elif done == total or filled != width * max(done - 1, 0) // max(total, 1):
                self.stdout.write(line)
        return progress

    def handle(self, *args, command, quiet=False, **options):
        if command == "send":
            issue = Issue.objects.select_related("newsletter").filter(pk=options["issue"]).first()
            if issue is None:
                raise CommandError(f"There is no issue {options['issue']}.")
            result = sending.send_issue(issue, progress=self._progress("sending", quiet),
                                        rate=options["rate"], batch_size=options["batch"])
            self.stdout.write(self.style.SUCCESS(result.as_line()))
            return
        try:
            result = suppression.read_mailbox(options["folder"], remove=options["remove"],
                                              progress=self._progress("reading", quiet))
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(result.as_line()))
