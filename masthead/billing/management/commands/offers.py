"""`masthead offers send-win-back --offer CODE [--lapsed-since DAYS] [--dry-run]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from masthead.billing import redemptions
from masthead.billing.win_back import WinBackRefused, send_win_back
from masthead.core.progress import Bar


class Command(BaseCommand):
    help = "Work with offers: e-mail a win-back offer to lapsed subscribers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send-win-back", help="E-mail a win-back offer code to lapsed subscribers "
                                                    "(each reader once per offer; safe to run again).")
        send.add_argument("--offer", required=True, help="The win-back offer's code.")
        send.add_argument("--lapsed-since", type=int, default=None, metavar="DAYS",
                          help="Only readers whose access ended within the last DAYS days.")
        send.add_argument("--dry-run", action="store_true", help="Say who would be sent it; send nothing.")

    def handle(self, *args, action, **options):
        if options["lapsed_since"] is not None and options["lapsed_since"] < 0:
            raise CommandError("--lapsed-since takes a number of days (0 or more).")
        offer = redemptions.find(options["offer"])
        bar = Bar("win-back", stream=self.stdout)
        try:
            report = send_win_back(offer, lapsed_since=options["lapsed_since"], dry_run=options["dry_run"],
                                   progress=bar)
        except WinBackRefused as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        if options["dry_run"]:
            for email in report.emails:
                self.stdout.write(f"  would send to {email}")
        self.stdout.write(self.style.SUCCESS(("Dry run: " if options["dry_run"] else "") +
                                             report.as_line(options["dry_run"])))
