from django.urls import path, re_path

from masthead.api import views
from masthead.api.v1 import api as v1
from masthead.api.v1.conventions import problem

app_name = "api"


def _unknown(request, rest=""):
    return problem(404, "No such address in the API.", kind="not-found")


urlpatterns = [
    # The first API (two endpoints), kept working for apps already released.
    path("articles/", views.article_list, name="articles"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
]
# Included from masthead/urls.py at /api/v1/ (its own namespace, api-v1).
v1_urlpatterns = [
    path("", v1.urls),
    re_path(r"^(?P<rest>.*)$", _unknown),
]
