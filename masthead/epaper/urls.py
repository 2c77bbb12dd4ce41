"""The ePaper's addresses, under /epaper/ (the account pages are under /accounts/epaper/)."""

from django.urls import path, register_converter

from masthead.epaper import account, views


class _Date:
    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(_Date, "isodate")

app_name = "epaper"
urlpatterns = [
    path("", views.latest, name="latest"),
    path("calendar/", views.month, name="calendar"),
    path("search/", views.search, name="search"),
    path("image/<str:token>/", views.image, name="image"),
    path("clip/<str:token>/", account.clip_page, name="clip"),
    path("clip/<str:token>/image/", account.clip_image, name="clip_image"),
    path("<isodate:date>/", views.day, name="day"),
    path("<isodate:date>/<slug:slug>/", views.viewer, name="edition"),
    path("<isodate:date>/<slug:slug>/download.pdf", views.download, name="download"),
    path("<isodate:date>/<slug:slug>/<int:number>/", views.viewer, name="page"),
    path("<isodate:date>/<slug:slug>/<int:number>/zoom/", views.zoomed, name="zoom"),
    path("<isodate:date>/<slug:slug>/<int:number>/save/", views.save, name="save"),
    path("<isodate:date>/<slug:slug>/<int:number>/clip/", views.clip, name="share_clip"),
]

account_patterns = [
    path("", account.saved, name="account"),
    path("clips/<int:clip_id>/revoke/", account.revoke, name="revoke_clip"),
]
