"""`masthead worker`: runs background tasks and the periodic schedule."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the task worker and the periodic schedule (masthead/schedule.py)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="Worker threads.")

    def handle(self, *args, workers=None, **options):
        extra = {"workers": workers} if workers else {}
        call_command("run_huey", **extra)
