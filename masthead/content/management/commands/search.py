"""`masthead search reindex`: rebuild the full-text search index, with a progress bar.
`masthead search status`: how many stories the index holds, and the engine."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from masthead.content.models import LIVE_STATES, Article
from masthead.content.search import engine
from masthead.content.search import index
from masthead.core.progress import Bar


class Command(BaseCommand):
    help = "Search index upkeep: `reindex` rebuilds it (readers keep searching meanwhile); `status` counts it."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reindex", "status"])
        parser.add_argument("--batch", type=int, default=index.BATCH, help="Stories per transaction.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar; the summary line only.")

    def handle(self, *args, action, batch, quiet, **options):
        name = engine().__name__.rsplit(".", 1)[-1]
        if action == "status":
            live = Article.objects.filter(status__in=LIVE_STATES, published_at__isnull=False).count()
            self.stdout.write(f"{name}: {engine().indexed_count():,} stories indexed of {live:,} published or scheduled")
            return
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        bar = None if quiet else Bar("reindex", self.stdout)
        indexed, seconds = index.reindex(progress=bar, batch=batch)
        if bar:
            bar.close()
        rate = indexed / seconds if seconds else 0
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {indexed:,} stories with {name} in {seconds:.1f}s ({rate:,.0f} stories/s)"))
