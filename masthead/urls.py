from django.contrib import admin
from django.urls import include, path

from masthead.content import views as content_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("api/", include("masthead.api.urls")),
    path("", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
    path("", include("masthead.content.urls")),
]

handler404 = content_views.page_not_found
handler500 = content_views.server_error
