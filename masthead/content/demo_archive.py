"""A generated archive: N stories spread from 1997 to today, for trying Masthead at scale.

``masthead demo --archive N`` (or ``generate(N)``) writes them in bulk: stories of a daily's
usual sizes (a headline, a standfirst, a 6-12 paragraph body of about 450 words), in the
demo's sections, by its authors, with one to three topics. Headlines, standfirsts and
paragraphs come from pools written once per run by the demo's own writer, so a million
stories take minutes (headlines repeat across years, as wire headlines do). Each
generated story's slug ends in ``-archive-<n>``: running again with the same N adds
nothing, a larger N adds the difference. The search index is filled afterwards by
``search.index.reindex()`` (the command does it, with its progress bar).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils.text import slugify

from masthead.content import demo_text as text
from masthead.content import rollup
from masthead.content.freshness import content_changed
from masthead.content.models import Article, Author, Publication, Section, Tag
from masthead.content.search import index
from masthead.core import clock
from masthead.core.db import refresh_planner_statistics

SEED = 19970101
FIRST_DAY = dt.date(1997, 1, 1)
BATCH = 5000
POOL_PARAGRAPHS = 20000
POOL_HEADLINES = 3000  # per section
MARK = "-archive-"

ACCESS = ("free", "metered", "premium")
# Bulk rows straight to the table (a story is ~10 columns; Django's bulk_create costs more
# per row than writing the story): published, staff, no picture, nothing editor-only.
COLUMNS = ("id", "headline", "slug", "standfirst", "body", "section_id", "access", "published_at",
           "created_at", "modified_at")
CONSTANT = {"lead_image": "", "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
            "status": "published", "is_editors_pick": False, "is_top_story": False, "origin": "staff",
            "source_reference": "", "credit": ""}

Progress = Callable[[int, int], None]


def adapt(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _insert(rows, people, topics) -> None:
    names = [*COLUMNS, *CONSTANT]
    constant = tuple(CONSTANT.values())
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO content_article ({', '.join(names)}) VALUES ({marks})",
                           [row + constant for row in rows])
        cursor.executemany("INSERT INTO content_article_authors (article_id, author_id) VALUES (%s, %s)", people)
        cursor.executemany("INSERT INTO content_article_tags (article_id, tag_id) VALUES (%s, %s)", topics)


def existing() -> int:
    """How many generated archive stories there are."""
    return Article.objects.filter(slug__contains=MARK).count()


def _moments(rng: random.Random, count: int, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    span = (end - start).total_seconds()
    return sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(count))


def generate(count: int, progress: Progress | None = None, days_progress: Progress | None = None) -> int:
    """Make sure at least `count` generated stories exist (then the archive's day rows are
    counted again); returns how many were added."""
    have = existing()
    wanted = count - have
    if wanted <= 0:
        return 0
    sections = {s.slug: s for s in Section.objects.all()}
    specs = [spec for spec in text.SECTIONS if spec.slug in sections]
    if not specs:
        raise ValueError("the archive is written into the demo's sections: run `masthead demo --no-serve` first")
    authors = list(Author.objects.order_by("pk"))
    tags_by_name = {t.name: t for t in Tag.objects.all()}
    publication = Publication.objects.order_by("pk").first() or Publication()
    zone = publication.zone
    rng = random.Random(SEED + have)
    writer = text.Writer(rng)
    pool = [f"<p>{writer.paragraph()}</p>" for _ in range(POOL_PARAGRAPHS)]
    headlines = {spec.slug: [writer.headline(spec.slug) for _ in range(POOL_HEADLINES)] for spec in specs}
    standfirsts = [writer.standfirst() for _ in range(POOL_PARAGRAPHS)]
    subheads = [f"<h2>{s}</h2>" for s in text.SUBHEADS]
    now = clock.now()
    start = dt.datetime.combine(FIRST_DAY, dt.time(6), tzinfo=zone)
    # Older than a day: the stories the demo itself writes fill the last days and weeks.
    span = (now - dt.timedelta(days=1)) - start
    weights = [spec.weight for spec in specs]
    section_tags = {spec.slug: [tags_by_name[n] for n in spec.tags if n in tags_by_name] for spec in specs}
    done = 0
    for offset in range(0, wanted, BATCH):
        rows, people, topics = [], [], []
        # Each batch takes its share of the span, in order, so ids follow the dates and
        # memory holds one batch whatever N is (a million moments would be ~60 MB).
        size = min(BATCH, wanted - offset)
        moments = _moments(rng, size, start + span * (offset / wanted), start + span * ((offset + size) / wanted))
        with transaction.atomic():
            next_id = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            for i, moment in enumerate(moments):
                number = have + offset + i + 1
                pk = next_id + i
                spec = rng.choices(specs, weights=weights)[0]
                section = sections[spec.slug]
                headline = rng.choice(headlines[spec.slug])
                paragraphs = rng.choices(pool, k=rng.randint(6, 12))
                paragraphs.insert(rng.randint(2, len(paragraphs) - 1), rng.choice(subheads))
                access = ("premium" if section.is_premium else rng.choices(ACCESS, weights=[15, 70, 15])[0])
                stamp = adapt(moment)
                rows.append((pk, headline, f"{slugify(headline)[:150]}{MARK}{number}", rng.choice(standfirsts),
                             "\n".join(paragraphs), section.pk, access, stamp, stamp, stamp))
                if authors:
                    people.append((pk, rng.choice(authors).pk))
                pool_tags = section_tags[spec.slug]
                if pool_tags:
                    topics.extend((pk, t.pk) for t in rng.sample(pool_tags, min(len(pool_tags), rng.randint(1, 3))))
            _insert(rows, people, topics)
        done += len(rows)
        if progress:
            progress(done, wanted)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('content_article', 'id'), (SELECT max(id) FROM content_article))")
    # Bulk inserts send no signals: the archive's day rows are counted again from the stories.
    rollup.rebuild(days_progress)
    refresh_planner_statistics(after_bulk_load=True)
    content_changed()
    return done


def generate_and_index(count: int, progress_for: Callable[[str], Progress] | None = None) -> dict:
    """Generate up to `count` stories, then reindex search; timings for the summary line."""
    started = time.monotonic()
    added = generate(count, progress_for("archive") if progress_for else None,
                     progress_for("days") if progress_for else None)
    written = time.monotonic() - started
    indexed, seconds = index.reindex(progress_for("reindex") if progress_for else None)
    return {"added": added, "write_seconds": written, "indexed": indexed, "index_seconds": seconds}
