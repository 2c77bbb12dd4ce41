from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from masthead.content import article_view, feeds, views
from masthead.content.page_cache import anonymous_page_cache
from masthead.content.sitemaps import SITEMAPS
from masthead.content.views_sitemap import news_sitemap

app_name = "content"

# The article page and the front page are the busiest URLs, so they are tried first.
urlpatterns = [
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        article_view.article,
        name="article",
    ),
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/rss/", anonymous_page_cache(feeds.SectionStories()), name="section_rss"),
    path("section/<slug:slug>/atom/", anonymous_page_cache(feeds.SectionStoriesAtom()), name="section_atom"),
    path("rss/", anonymous_page_cache(feeds.LatestStories()), name="rss"),
    path("atom/", anonymous_page_cache(feeds.LatestStoriesAtom()), name="atom"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.archive_year, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.archive_day, name="archive_day"),
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        anonymous_page_cache(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "content:sitemap"},
        name="sitemap_index",
    ),
    path("sitemap-news.xml", anonymous_page_cache(news_sitemap), name="sitemap_news"),
    path(
        "sitemap-<section>.xml",
        anonymous_page_cache(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("preview/<int:pk>/", article_view.preview, name="preview"),
]
