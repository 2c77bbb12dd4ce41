"""The sitemap index, the article files (50,000 URLs at most each) and the Google News
sitemap (stories from the last two days with their headlines)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.views.decorators.http import require_safe

from masthead.content.publication import current_publication
from masthead.content.sitemaps import SITEMAPS, article_file_entries, article_files, news_items, news_language

XML = "application/xml; charset=utf-8"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


@require_safe
def index(request):
    """Every sitemap file: sections, each article file with the latest change among its
    stories as lastmod, and the archive pages."""
    base = request.build_absolute_uri("/").rstrip("/")
    entries = [(f"{base}/sitemap-sections.xml", None)]
    for number, file in enumerate(article_files(), 1):
        suffix = "" if number == 1 else f"?p={number}"
        entries.append((f"{base}/sitemap-articles.xml{suffix}", file.lastmod))
    if not article_files():
        entries.append((f"{base}/sitemap-articles.xml", None))
    entries.append((f"{base}/sitemap-archive.xml", None))
    lines = [HEAD, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for location, lastmod in entries:
        stamp = f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>" if lastmod else ""
        lines.append(f"<sitemap><loc>{escape(location)}</loc>{stamp}</sitemap>\n")
    lines.append("</sitemapindex>\n")
    return HttpResponse("".join(lines), content_type=XML)


@require_safe
def articles(request):
    """One article file (?p=N, from 1): each story's address and the day it last changed."""
    raw = request.GET.get("p", "1")
    if not raw.isdigit():
        raise Http404("No such sitemap page")
    entries = article_file_entries(int(raw))
    if entries is None:
        if raw == "1":
            entries = []  # an archive with no stories yet still has its first file
        else:
            raise Http404("No such sitemap page")
    base = escape(request.build_absolute_uri("/").rstrip("/"))
    lines = [HEAD, '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    lines.extend(f"<url><loc>{base}{escape(path)}</loc><lastmod>{day.isoformat()}</lastmod>"
                 "<changefreq>daily</changefreq></url>\n" for path, day in entries)
    lines.append("</urlset>\n")
    return HttpResponse("".join(lines), content_type=XML)


__all__ = ["SITEMAPS", "articles", "index", "news_sitemap"]


@require_safe
def news_sitemap(request):
    """Google News sitemap (news:publication, name, language, publication_date, title)."""
    base = request.build_absolute_uri("/").rstrip("/")
    context = {
        "base": base,
        "items": news_items(),
        "publication": current_publication(),
        "language": news_language(),
    }
    return render(request, "content/sitemap_news.xml", context, content_type="application/xml; charset=utf-8")
