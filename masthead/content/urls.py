import datetime as dt

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from masthead.content import feeds, legal, views
from masthead.content.page_cache import anonymous_page_cache
from masthead.content.sitemaps import SITEMAPS
from masthead.content import views_sitemap
from masthead.content.views_sitemap import news_sitemap

app_name = "content"


class YearConverter:
    """Four ASCII digits, a year whose every day (and the days either side) exists in any zone.

    A number out of range does not match, so the URL is a 404 before any view runs: the
    first and last years of the calendar would overflow when a day is made aware.
    """

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not dt.MINYEAR < year < dt.MAXYEAR:
            raise ValueError(value)
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class _RangeConverter:
    regex = "[0-9]{1,2}"
    highest = 0

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= self.highest:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


class MonthConverter(_RangeConverter):
    """1 to 12 (one or two digits); whether the day exists in that month is the view's to say."""

    highest = 12


class DayConverter(_RangeConverter):
    highest = 31


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(DayConverter, "day")

# The listing pages. The article page, the preview and search are access's views (access owns every
# read); the reader site (masthead/urls.py) puts them first under this namespace, so an
# article's address stays content:article.
urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/rss/", anonymous_page_cache(feeds.SectionStories()), name="section_rss"),
    path("section/<slug:slug>/atom/", anonymous_page_cache(feeds.SectionStoriesAtom()), name="section_atom"),
    path("rss/", anonymous_page_cache(feeds.LatestStories()), name="rss"),
    path("atom/", anonymous_page_cache(feeds.LatestStoriesAtom()), name="atom"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<year:year>/", views.archive_year, name="archive_year"),
    path("archive/<year:year>/<month:month>/", views.archive_month, name="archive_month"),
    path("archive/<year:year>/<month:month>/<day:day>/", views.archive_day, name="archive_day"),
    path("terms/", legal.terms, name="terms"),
    path("refunds/", legal.refunds, name="refunds"),
    path("contact/", legal.contact, name="contact"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", anonymous_page_cache(views_sitemap.index), name="sitemap_index"),
    path("sitemap-news.xml", anonymous_page_cache(news_sitemap), name="sitemap_news"),
    path("sitemap-articles.xml", anonymous_page_cache(views_sitemap.articles), name="sitemap_articles"),
    path(
        "sitemap-<section>.xml",
        anonymous_page_cache(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]
