"""The demo publication's content: sections, authors, tags, agencies and ~450 stories.

All text is generated here from demo_text's word lists with a fixed seed, so a second
run finds every slug already present and creates nothing. Stories run from 1997 to
today, denser in recent weeks, with two scheduled for later today.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import transaction
from django.utils.text import slugify

from masthead.content import demo_text as text
from masthead.content import rollup
from masthead.content.freshness import content_changed
from masthead.content.search import index as search_index
from masthead.content.models import Article, Author, LegalPage, Publication, Section, Source, Tag
from masthead.content.sanitize import clean_html
from masthead.core import clock

SEED = 20261201
FIRST_YEAR = 1997
RECENT_DAYS = 30
RECENT_STORIES = 180  # about six a day for the last 30 days
LAST_YEAR_STORIES = 80  # between 30 days and a year ago
OLD_STORIES = 180  # from 1997 to last year: every year has some, recent years more
SCHEDULED_STORIES = 2
AUTHORS = 20
PUBLICATION = {
    "name": text.PUBLICATION_NAME,
    "tagline": "Business news, every day",
    "legal_name": "Demo Ledger Media Private Limited (fictional demo company)",
    "address": "Unit 0, Example Business Park\nDemo Nagar, Mumbai 400000\n(placeholder address for the demo)",
    "gstin": "27DEMOL0000D1Z0",
    "contact_email": "desk@demo-ledger.example",
    "phone": "+91 00000 00000 (placeholder)",
    "time_zone": "Asia/Kolkata",
    "currency": "INR",
    "locale": "en-IN",
}


def seed_content(progress=print) -> None:
    """Create (or top up) the demo publication's content. Running it again adds nothing."""
    started = time.monotonic()
    rng = random.Random(SEED)
    writer = text.Writer(rng)
    with transaction.atomic():
        publication = _publication()
        progress(f"Content: publication '{publication.name}' ready")
        sections = _sections()
        tags = _tags()
        authors = _authors(writer)
        # The stories are written in the same transaction as the wire sources, so sources
        # that exist already mean an earlier run wrote the stories too: even one made by
        # an older version of this generator whose headlines (and slugs) differed.
        seeded_before = Source.objects.filter(slug__in=[slug for slug, _ in text.SOURCES]).count() == len(text.SOURCES)
        sources = _sources(publication)
        _legal_pages()
        progress(
            f"Content: {len(sections)} sections, {len(authors)} authors, {len(tags)} tags, {len(sources)} wire sources"
        )
        if seeded_before:
            progress("Content: the demo stories were written by an earlier run")
            created = 0
        else:
            created = _articles(rng, writer, sections, tags, authors, sources, progress)
        pictured = _lead_pictures()
    content_changed()
    elapsed = time.monotonic() - started
    total = Article.objects.count()
    progress(f"Content: {created} new stories, {total} in all, {pictured} given lead pictures ({elapsed:.1f} s)")


def _publication() -> Publication:
    publication = Publication.objects.order_by("pk").first()
    if publication is None:
        return Publication.objects.create(**PUBLICATION)
    # Fill what an earlier, thinner seed left blank; never overwrite an editor's choice.
    changed = [name for name, value in PUBLICATION.items() if not getattr(publication, name)]
    for name in changed:
        setattr(publication, name, PUBLICATION[name])
    if changed:
        publication.save(update_fields=changed)
    return publication


def _legal_pages() -> None:
    """Terms, refunds and contact pages with the default text, for editors to adapt in the admin."""
    from masthead.content.legal import default_body

    for kind in LegalPage.Kind.values:
        if not LegalPage.objects.filter(kind=kind).exists():
            LegalPage.objects.create(kind=kind, title=LegalPage.Kind(kind).label, body=default_body(kind))


def _lead_pictures() -> int:
    """The newest stories get the demo's drawn pictures from the library (one each, as far
    as they go)."""
    from masthead.content import demo_images

    pictures = demo_images.ensure_library()
    newest = list(Article.objects.live().order_by("-published_at").only("pk", "lead_picture")[:len(pictures)])
    now = clock.now()
    given = 0
    for article, picture in zip(newest, pictures):
        if article.lead_picture_id is None:
            # update(): no save() side effects per row; modified_at moves so cached renderings are replaced.
            Article.objects.filter(pk=article.pk).update(lead_picture=picture, modified_at=now)
            given += 1
    return given


def _sections() -> dict[str, Section]:
    existing = {s.slug: s for s in Section.objects.all()}
    missing = [
        Section(slug=spec.slug, name=spec.name, description=spec.description, order=(i + 1) * 10,
                is_premium=spec.is_premium, in_navigation=True)
        for i, spec in enumerate(text.SECTIONS)
        if spec.slug not in existing
    ]
    Section.objects.bulk_create(missing)
    return {s.slug: s for s in Section.objects.filter(slug__in=[spec.slug for spec in text.SECTIONS])}


def _tags() -> dict[str, Tag]:
    slugs = {slugify(name): name for name in text.TAGS}
    existing = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    Tag.objects.bulk_create([Tag(slug=slug, name=name) for slug, name in slugs.items() if slug not in existing])
    by_slug = {t.slug: t for t in Tag.objects.filter(slug__in=slugs)}
    return {name: by_slug[slug] for slug, name in slugs.items()}


def _authors(writer: text.Writer) -> list[Author]:
    used: set[str] = set()
    wanted = []
    desks = [desk for spec in text.SECTIONS for desk in text.DESKS[spec.slug]]
    for i in range(AUTHORS):
        name = writer.person(used)
        role, beat = desks[i % len(desks)]
        wanted.append(Author(name=name, slug=slugify(name), role=role, bio=writer.bio(name, role, beat)))
    existing = set(Author.objects.filter(slug__in=[a.slug for a in wanted]).values_list("slug", flat=True))
    Author.objects.bulk_create([a for a in wanted if a.slug not in existing])
    by_slug = {a.slug: a for a in Author.objects.filter(slug__in=[a.slug for a in wanted])}
    return [by_slug[a.slug] for a in wanted]


def _sources(publication: Publication) -> list[Source]:
    disclaimer = f"Disclaimer: No {publication.name} journalist was involved in creation of this content"
    sources = []
    for slug, name in text.SOURCES:
        source, _ = Source.objects.get_or_create(slug=slug, defaults={"name": name, "disclaimer": disclaimer})
        sources.append(source)
    return sources


def _publication_times(rng: random.Random, now: dt.datetime, zone) -> list[dt.datetime]:
    """When each demo story came out, newest first; the shape is what matters, not the seed."""
    moments = []
    # The last 30 days: one roughly every four hours, so today and yesterday have several.
    step = dt.timedelta(days=RECENT_DAYS) / RECENT_STORIES
    for i in range(RECENT_STORIES):
        moments.append(now - step * i - dt.timedelta(minutes=rng.randint(7, int(step.total_seconds() // 60) - 5)))
    # The rest of the past year.
    for _ in range(LAST_YEAR_STORIES):
        moments.append(now - dt.timedelta(days=rng.uniform(RECENT_DAYS + 1, 365)))
    # Every year back to 1997 gets three, the rest lean towards recent years. The total is
    # fixed so that the stories' text (and so their slugs) does not depend on today's date.
    years = list(range(FIRST_YEAR, now.astimezone(zone).year))
    for i in range(OLD_STORIES):
        if i < len(years) * 3:
            year = years[i % len(years)]
        else:
            year = rng.choices(years, weights=[1 + (y - FIRST_YEAR) for y in years])[0]
        moments.append(_moment_in_year(rng, year, zone))
    return sorted(moments, reverse=True)


def _moment_in_year(rng: random.Random, year: int, zone) -> dt.datetime:
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    local = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.randrange(60)), tzinfo=zone)
    return local.astimezone(dt.timezone.utc)


def _scheduled_times(now: dt.datetime, zone) -> list[dt.datetime]:
    """Two moments later today (local time) when possible, else within the next hours."""
    local = now.astimezone(zone)
    end_of_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    room = end_of_day - local
    if room > dt.timedelta(minutes=30):
        gap = min(room / (SCHEDULED_STORIES + 1), dt.timedelta(hours=2))
    else:
        gap = dt.timedelta(minutes=45)
    return [(local + gap * (i + 1)).replace(second=0, microsecond=0).astimezone(dt.timezone.utc)
            for i in range(SCHEDULED_STORIES)]


def _choose_access(rng: random.Random, section: Section) -> str:
    if section.is_premium:
        return Article.Access.PREMIUM
    roll = rng.random()
    if roll < 0.15:
        return Article.Access.FREE
    if roll < 0.85:
        return Article.Access.METERED
    return Article.Access.PREMIUM


def _articles(rng, writer, sections, tags, authors, sources, progress) -> int:
    now = clock.now()
    zone = Publication.objects.order_by("pk").first().zone
    # Times come from their own generator so the text generator's sequence never shifts.
    moments = _publication_times(random.Random(SEED + 1), now, zone)
    scheduled = _scheduled_times(now, zone)
    specs = text.SECTIONS
    weights = [spec.weight for spec in specs]
    section_tags = {spec.slug: [tags[name] for name in spec.tags] for spec in specs}
    # Each section's two desk writers (authors come in section order, two a desk) write most
    # of its stories; the neighbouring desk's first writer helps out now and then.
    staff_by_section = {
        spec.slug: [authors[(i * 2) % len(authors)], authors[(i * 2 + 1) % len(authors)],
                    authors[(i * 2 + 2) % len(authors)]]
        for i, spec in enumerate(specs)
    }

    taken = set(Article.objects.values_list("slug", flat=True))
    planned: list[tuple[Article, list[Author], list[Tag]]] = []
    slugs_seen: set[str] = set()
    all_moments = [(m, Article.Status.PUBLISHED) for m in moments] + [
        (m, Article.Status.SCHEDULED) for m in scheduled
    ]
    for index, (moment, status) in enumerate(all_moments):
        spec = rng.choices(specs, weights=weights)[0]
        section = sections[spec.slug]
        headline = writer.headline(spec.slug)
        slug = _unique(slugify(headline)[:180], slugs_seen)
        standfirst = writer.standfirst()
        body = writer.body()
        is_wire = spec.slug in ("news", "world", "markets", "sport") and rng.random() < 0.35
        access = _choose_access(rng, section)
        if is_wire and access == Article.Access.PREMIUM:
            access = Article.Access.METERED
        recent = now - moment < dt.timedelta(days=RECENT_DAYS)
        article = Article(
            headline=headline,
            slug=slug,
            standfirst=standfirst,
            body=clean_html(body),
            section=section,
            status=status,
            published_at=moment,
            updated_at=moment + dt.timedelta(hours=rng.randint(1, 6)) if rng.random() < 0.1 else None,
            access=access,
            # Every fourth of the newest stories leads the front page, so it always has some.
            is_top_story=status == Article.Status.PUBLISHED and index < 48 and index % 4 == 0 and not is_wire,
            is_editors_pick=not is_wire and (rng.random() < (0.15 if recent else 0.03)),
            origin=Article.Origin.WIRE if is_wire else Article.Origin.STAFF,
            source=rng.choice(sources) if is_wire else None,
            source_reference=f"DEMO-{moment:%Y%m%d}-{index:04d}" if is_wire else "",
        )
        byline = [] if is_wire else rng.sample(staff_by_section[spec.slug], 2 if rng.random() < 0.15 else 1)
        if spec.slug == "opinion" and not is_wire:
            byline = [rng.choice(authors)]
        topics = rng.sample(section_tags[spec.slug], min(len(section_tags[spec.slug]), rng.randint(1, 3)))
        if slug not in taken:
            planned.append((article, byline, topics))
    if not planned:
        progress(f"Content: all {len(all_moments)} demo stories already present")
        return 0
    progress(f"Content: writing {len(planned)} of {len(all_moments)} demo stories")
    Article.objects.bulk_create([a for a, _, _ in planned], batch_size=200)
    ids = dict(Article.objects.filter(slug__in=[a.slug for a, _, _ in planned]).values_list("slug", "id"))
    Authorship, Tagging = Article.authors.through, Article.tags.through
    Authorship.objects.bulk_create(
        [Authorship(article_id=ids[a.slug], author_id=p.pk) for a, people, _ in planned for p in people],
        batch_size=500,
    )
    Tagging.objects.bulk_create(
        [Tagging(article_id=ids[a.slug], tag_id=t.pk) for a, _, topics in planned for t in topics],
        batch_size=500,
    )
    # bulk_create sends no post_save: the new stories are indexed for search and their
    # archive days counted here.
    search_index.refresh(*ids.values())
    rollup.recount(*{rollup.local_day(a.published_at) for a, _, _ in planned if a.published_at})
    return len(planned)


def _unique(base: str, seen: set[str]) -> str:
    candidate, n = base, 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    seen.add(candidate)
    return candidate
