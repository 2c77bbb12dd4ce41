from allauth.headless.account.views import RequestLoginCodeView
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from masthead.accounts import forms as accounts_forms
from masthead.accounts import views as accounts_views
from masthead.content import views as content_views
from masthead.core import media

# The reader site first: the article and listing pages are the hot path, and no other
# app's URL overlaps with them.
urlpatterns = [
    path("", include("masthead.content.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("accounts/", include("allauth.urls")),  # allauth reverses its names without a namespace
    # The apps' code request checks the address whole, like the web form (accounts/forms.py).
    path(
        "_allauth/app/v1/auth/code/request",
        RequestLoginCodeView.as_api_view(client="app", input_class=accounts_forms.RequestLoginCodeInput),
    ),
    # The account area is /accounts/; /account/ (where the subscription pages sit) leads there.
    path("account/", RedirectView.as_view(url="/accounts/", permanent=False), name="account_area"),
    path("_allauth/", include("allauth.headless.urls")),  # the apps' sign-in API
    path("privacy/", accounts_views.privacy, name="privacy"),
    path("api/", include("masthead.api.urls")),
    path("", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
]
# Uploaded files, unless the proxy or object storage serves them (MASTHEAD_SERVE_MEDIA=0).
if settings.MASTHEAD_SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media.serve, name="media"))

handler404 = content_views.page_not_found
handler500 = content_views.server_error
