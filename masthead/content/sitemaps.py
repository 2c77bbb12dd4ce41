"""Sitemaps for search engines: sections, articles, the archive, and a Google News map.

Entries carry URLs, dates and (for news) headlines only; nothing from a body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from masthead.content import rollup
from masthead.content.freshness import remember
from masthead.content.listings import DAY, archive_months, archive_years, live
from masthead.content.models import Article, Section, article_path
from masthead.content.publication import current_publication
from masthead.core import clock

NEWS_WINDOW = dt.timedelta(days=2)


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return list(Section.objects.all())


# --- the article files ----------------------------------------------------------------------
# The protocol's limit: at most 50,000 URLs in one sitemap file. Files follow the archive's
# years, oldest first (a file's number never changes as the archive grows); a year with
# more stories than that is split into several files. The index reads each year's count
# and lastmod from the archive's day rows (content.rollup); a file's URLs are one range
# over the article_live_by_date index (date, status, updated_at). No count or offset runs
# over the whole archive.
URLS_PER_FILE = 50_000


@dataclass(frozen=True)
class ArticleFile:
    number: int  # ?p= of sitemap-articles.xml, from 1
    year: int
    part: int  # 0 for the first file of its year
    lastmod: dt.datetime | None


def _year_range(year: int):
    return Article.objects.live_between(*rollup.day_range(dt.date(year, 1, 1), dt.date(year + 1, 1, 1)))


def _file_rows(year: int, part: int):
    return _year_range(year).order_by("published_at", "pk")[part * URLS_PER_FILE:(part + 1) * URLS_PER_FILE]


def _part_lastmod(year: int, part: int) -> dt.datetime | None:
    """The latest change among one part's stories (a year of more than URLS_PER_FILE)."""
    found = Article.objects.filter(pk__in=_file_rows(year, part).values("pk")).aggregate(
        updated=Max("updated_at"), published=Max("published_at"))
    moments = [m for m in (found["updated"], found["published"]) if m is not None]
    return max(moments) if moments else None


def article_files() -> list[ArticleFile]:
    """The article sitemap files with their lastmod (the latest update or publication time
    among a file's stories), cached with the content version."""

    def build():
        files = []
        today = rollup.local_day(clock.now())
        by_year = {start.year: found for start, found in rollup.periods("year", dt.date.min, today + DAY).items()}
        for year in sorted(by_year):  # oldest first
            count, modified = by_year[year]
            parts = -(-count // URLS_PER_FILE)
            for part in range(parts):
                lastmod = modified if parts == 1 else _part_lastmod(year, part)
                files.append(ArticleFile(len(files) + 1, year, part, lastmod))
        return files

    return remember("sitemap:article-files", build)


def article_file_entries(number: int) -> list[tuple[str, dt.date]] | None:
    """(path, lastmod day) of every story in file `number`; None for no such file."""
    files = article_files()
    if not 1 <= number <= len(files):
        return None
    chosen = files[number - 1]

    def build():
        zone = current_publication().zone
        rows = _file_rows(chosen.year, chosen.part).values_list("slug", "published_at", "updated_at")
        return [(article_path(published.astimezone(zone).date(), slug), (updated or published).date())
                for slug, published, updated in rows]

    return remember(f"sitemap:articles:{number}", build)


class ArchiveSitemap(Sitemap):
    """The archive's year and month pages, so crawlers can reach every story."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        entries = [reverse("content:archive")]
        for year in archive_years():
            entries.append(reverse("content:archive_year", args=[year.start.year]))
            for month in archive_months(year.start.year):
                entries.append(reverse("content:archive_month", args=[month.start.year, month.start.month]))
        return entries

    def location(self, item):
        return item


SITEMAPS = {"sections": SectionSitemap, "archive": ArchiveSitemap}


def news_items():
    """Stories published in the last two days, for the Google News sitemap."""
    now = clock.now()
    return list(
        live().filter(published_at__gte=now - NEWS_WINDOW)
        .only("id", "slug", "headline", "published_at", "created_at")
        .order_by("-published_at")[:1000]
    )


def news_language() -> str:
    """The ISO 639 code Google News wants: 'en' for en-IN."""
    return (current_publication().locale or "en").split("-")[0].lower()
