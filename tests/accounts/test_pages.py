"""Every account page renders inside the site layout, works without JavaScript, and is labelled."""

from __future__ import annotations

import re

import pytest

from tests.accounts.conftest import log_in
from tests.accounts.factories import GrantFactory, PartnerCodeFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/login/code/",
    "/accounts/confirm-email/",
    "/privacy/",
]
READER_PAGES = ["/accounts/", "/accounts/email/", "/accounts/password/change/", "/accounts/logout/", "/accounts/data/"]


def assert_site_page(html: str) -> None:
    assert "accounts/accounts.css" in html or "/privacy/" in html
    assert '<main id="main"' in html
    # Plain forms that post (no JavaScript needed), each with its CSRF token.
    forms = re.findall(r"<form[^>]*>", html)
    assert all('method="post"' in f or 'method="get"' in f for f in forms), forms
    assert html.count('name="csrfmiddlewaretoken"') >= sum('method="post"' in f for f in forms)
    assert re.search(r"<h1[^>]*>", html)
    for input_id in re.findall(r'<input[^>]*type="(?:email|password|text)"[^>]*id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"no label for {input_id}"


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_anonymous_pages_render_in_the_site_layout(client, url):
    response = client.get(url)

    assert response.status_code == 200, url
    assert_site_page(response.content.decode())


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_render_in_the_site_layout(client, reader, url):
    log_in(client, reader.email)

    response = client.get(url)

    assert response.status_code == 200, url
    assert_site_page(response.content.decode())


def test_the_account_page_links_the_subscription_and_lists_benefits(client, reader):
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free", "partner"])
    PartnerCodeFactory()
    log_in(client, reader.email)

    page = client.get("/accounts/").content.decode()

    assert 'href="/accounts/subscription/"' in page
    assert "Ad-free reading" in page and "Partner publication access" in page
    assert "Get my partner code" in page
    assert "You can be signed in on up to 5 devices at once." in page


def test_the_account_page_needs_a_login_and_comes_back(client):
    response = client.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"
