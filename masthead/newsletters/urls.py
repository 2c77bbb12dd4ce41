from django.urls import path

from masthead.newsletters import views

app_name = "newsletters"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("leave/<str:token>/", views.leave_by_link, name="leave_by_link"),
    path("webhooks/<str:esp>/tracking/", views.tracking, name="tracking"),
]
