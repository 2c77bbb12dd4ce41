"""Sitemaps for search engines: sections, articles, the archive, and a Google News map.

Entries carry URLs, dates and (for news) headlines only; nothing from a body.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from masthead.content.listings import archive_months, archive_years, live
from masthead.content.models import Section
from masthead.content.publication import current_publication
from masthead.core import clock

NEWS_WINDOW = dt.timedelta(days=2)


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return list(Section.objects.all())


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return live().select_related("section").only(
            "id", "slug", "published_at", "updated_at", "created_at", "section__slug"
        ).order_by("-published_at", "-pk")

    def lastmod(self, article):
        return article.updated_at or article.published_at


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


SITEMAPS = {"sections": SectionSitemap, "articles": ArticleSitemap, "archive": ArchiveSitemap}


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
