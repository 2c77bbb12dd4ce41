"""The Google News sitemap: stories from the last two days with their headlines."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.content.publication import current_publication
from masthead.content.sitemaps import news_items, news_language


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
