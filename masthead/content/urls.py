from django.urls import path, re_path

from masthead.content import article_view, views

app_name = "content"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.archive_year, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.archive_day, name="archive_day"),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        article_view.article,
        name="article",
    ),
    path("preview/<int:pk>/", article_view.preview, name="preview"),
]
