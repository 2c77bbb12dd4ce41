"""One account area: /account/ leads there, its pages link to each other, log out is in the header."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from masthead.core import clock
from tests.accounts.conftest import log_in
from tests.accounts.factories import GrantFactory, ReaderFactory
from tests.content.factories import ArticleFactory, PublicationFactory

pytestmark = pytest.mark.django_db

AREA = ["/accounts/", "/accounts/subscription/", "/accounts/epaper/", "/accounts/newsletters/", "/accounts/email/",
        "/accounts/password/change/", "/accounts/data/"]
LOG_OUT_FORM = re.compile(
    r'<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
)


@pytest.fixture(autouse=True)
def publication(db):
    return PublicationFactory()


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


def sub_navigation(html: str) -> str:
    return re.search(r'<nav class="account-nav" aria-label="Your account">.*?</nav>', html, re.S).group(0)


def test_account_redirects_to_the_account_area(client, signed_in):
    for visitor in (Client(), signed_in):
        response = visitor.get("/account/")
        assert (response.status_code, response["Location"]) == (301, "/accounts/")


def test_the_subscription_pages_sit_in_the_account_area_and_old_addresses_lead_there(signed_in):
    assert signed_in.get("/accounts/subscription/").status_code == 200
    response = signed_in.get("/account/subscription/?from=email")
    assert (response.status_code, response["Location"]) == (301, "/accounts/subscription/?from=email")
    response = signed_in.get("/account/invoices/7/pdf/")
    assert (response.status_code, response["Location"]) == (301, "/accounts/invoices/7/pdf/")


def test_every_account_page_links_to_every_other_and_can_log_out(signed_in):
    for path in AREA:
        response = signed_in.get(path)
        assert response.status_code == 200, path
        nav = sub_navigation(response.content.decode())
        assert [href for href in re.findall(r'href="([^"]+)"', nav)] == AREA, path
        assert f'href="{path}" aria-current="page"' in nav, path
        assert LOG_OUT_FORM.search(nav), path


def test_the_header_menu_has_the_account_pages_and_a_log_out_form(signed_in):
    ArticleFactory(headline="A story")
    for path in ("/", "/accounts/", "/accounts/subscription/"):
        html = signed_in.get(path).content.decode()
        menu = re.search(r'<details class="account-menu">.*?</details>', html, re.S).group(0)
        assert "<summary>My account</summary>" in menu, path
        assert 'href="/accounts/"' in menu and 'href="/accounts/subscription/"' in menu, path
        assert LOG_OUT_FORM.search(menu), path


def test_the_header_log_out_is_csrf_protected(reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    html = browser.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert browser.post("/accounts/logout/").status_code == 403
    assert browser.get("/accounts/").status_code == 200  # still signed in
    response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert browser.get("/accounts/").status_code == 302


def test_messages_name_the_reader_by_e_mail_not_username(client):
    reader = ReaderFactory(username="rdr-7f3a", email="hamlet@example.com")

    page = log_in(client, reader.email, next_url="/accounts/")
    html = client.get("/accounts/").content.decode()

    assert page.status_code == 302
    assert "Successfully signed in as hamlet@example.com." in html
    assert "rdr-7f3a" not in html


def test_the_footer_offers_subscribe_only_to_readers_without_a_subscription(client, reader):
    story = ArticleFactory(headline="A story")
    subscriber = ReaderFactory(email="subscriber@example.com")
    GrantFactory(user=subscriber, starts_at=clock.now() - dt.timedelta(days=1),
                 ends_at=clock.now() + dt.timedelta(days=30))
    footer_link = '<li><a href="/subscribe/">Subscribe</a></li>'

    def footer(browser, path):
        html = browser.get(path, follow=True).content.decode()  # an anonymous reader's cookie check
        return html[html.index('<footer class="site-footer">'):]

    without = Client()
    without.force_login(reader)
    with_grant = Client()
    with_grant.force_login(subscriber)
    for path in ("/", story.get_absolute_url(), "/accounts/"):
        if path != "/accounts/":
            assert footer_link in footer(Client(), path), path
        assert footer_link in footer(without, path), path
        assert footer_link not in footer(with_grant, path), path
