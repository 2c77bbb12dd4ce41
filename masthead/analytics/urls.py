from django.urls import path

from masthead.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("csv/<slug:slug>/", views.desk_csv, name="csv"),
    path("experiments/<int:pk>/", views.experiment, name="experiment"),
    path("experiments/<int:pk>/<slug:action>/", views.experiment_action, name="experiment_action"),
]
