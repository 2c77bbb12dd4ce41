from allauth.headless.account.views import RequestLoginCodeView
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from masthead.access import article_page, search_page
from masthead.accounts import forms as accounts_forms
from masthead.accounts import views as accounts_views
from masthead.api import urls as api_urls
from masthead.content import urls as content_urls
from masthead.content import views as content_views
from masthead.core import media
from masthead.epaper import urls as epaper_urls
from masthead.newsletters import views as newsletters_views

# The article's address is content's (content:article, reversed by Article); the page is
# access's, which owns every read. The article page is the busiest URL, so it is tried first.
content_patterns = [
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        article_page.article,
        name="article",
    ),
    *content_urls.urlpatterns,
    path("preview/<int:pk>/", article_page.preview, name="preview"),
    path("search/", search_page.search, name="search"),
]

# The reader site first: the article and listing pages are the hot path, and no other
# app's URL overlaps with them.
urlpatterns = [
    path("", include((content_patterns, content_urls.app_name))),
    path("admin/revenue/", include("masthead.analytics.urls")),
    # The apps' API next: its reads are as hot as the pages' (and its prefix overlaps nothing).
    path("api/v1/", include(api_urls.v1_urlpatterns)),
    path("admin/", admin.site.urls),
    path("accounts/epaper/", include((epaper_urls.account_patterns, "epaper_account"))),
    path("accounts/newsletters/", newsletters_views.preferences, name="newsletter_preferences"),
    path("accounts/", include("masthead.accounts.urls")),
    path("accounts/", include("allauth.urls")),  # allauth reverses its names without a namespace
    # The apps' code request checks the address whole, like the web form (accounts/forms.py).
    path(
        "_allauth/app/v1/auth/code/request",
        RequestLoginCodeView.as_api_view(client="app", input_class=accounts_forms.RequestLoginCodeInput),
    ),
    # The account area is /accounts/, the subscription pages included. Addresses under
    # /account/ (where they once sat, still in e-mails readers keep) lead to the same page there.
    re_path(r"^account/(?P<rest>.*)$", RedirectView.as_view(url="/accounts/%(rest)s", permanent=True,
                                                            query_string=True), name="account_area"),
    path("_allauth/", include("allauth.headless.urls")),  # the apps' sign-in API
    path("privacy/", accounts_views.privacy, name="privacy"),
    path("api/", include("masthead.api.urls")),
    path("epaper/", include("masthead.epaper.urls")),
    path("newsletters/", include("masthead.newsletters.urls")),
    path("", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
]
# Uploaded files, unless the proxy or object storage serves them (MASTHEAD_SERVE_MEDIA=0).
if settings.MASTHEAD_SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media.serve, name="media"))

handler404 = content_views.page_not_found
handler500 = content_views.server_error
