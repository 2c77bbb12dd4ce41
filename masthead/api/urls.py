from django.urls import path

from masthead.api import views

app_name = "api"
urlpatterns = [
    path("articles/", views.article_list, name="articles"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
]
