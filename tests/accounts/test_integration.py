"""With every app's real entitlement sources and personal-data modules, as the project runs."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from masthead import settings as project_settings
from tests.accounts.conftest import CHROME_WINDOWS, log_in
from tests.accounts.factories import PASSWORD, AdSlotFactory, GrantFactory
from tests.accounts.test_ads import MARKUP, render_slot, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _project_modules(settings):
    settings.MASTHEAD_ENTITLEMENT_SOURCES = project_settings.MASTHEAD_ENTITLEMENT_SOURCES
    settings.MASTHEAD_PERSONAL_DATA = project_settings.MASTHEAD_PERSONAL_DATA


def test_an_anonymous_page_with_ads_costs_no_query_once_warm(django_assert_num_queries):
    AdSlotFactory()
    render_slot(request_for(AnonymousUser()))

    with django_assert_num_queries(0):
        assert MARKUP in render_slot(request_for(AnonymousUser()))


def test_a_complimentary_grant_makes_pages_ad_free_with_every_source(reader):
    AdSlotFactory()
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free"])

    assert render_slot(request_for(reader)) == ""


def test_export_and_delete_through_every_module(reader):
    browser = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    log_in(browser, reader.email)

    data = json.loads(browser.get("/accounts/data/export/").content)
    deleted = browser.post("/accounts/data/delete/", {"password": PASSWORD, "confirm": "yes"})

    assert sorted(data) == ["access", "accounts", "billing", "exported_at", "newsletters"]
    assert data["accounts"]["account"]["email"] == "hamlet@example.com"
    assert deleted.status_code == 200
    assert get_user_model().objects.get(pk=reader.pk).is_active is False


def test_real_pages_carry_the_ads_for_readers_and_none_for_ad_free_readers(reader):
    from masthead.accounts.demo import seed_ads
    from masthead.content.models import Article
    from tests.content.factories import ArticleFactory, PublicationFactory

    PublicationFactory()
    seed_ads(progress=lambda _: None)
    article = ArticleFactory(headline="Budget explained", access=Article.Access.FREE)
    browser = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    log_in(browser, reader.email)

    before_home = browser.get("/").content.decode()
    before_article = browser.get(article.get_absolute_url()).content.decode()
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free"])
    after_home = browser.get("/").content.decode()
    after_article = browser.get(article.get_absolute_url()).content.decode()

    assert "Advertise with us: reach readers across India" in before_home
    assert "Your brand here: ask about article placements" in before_article
    for page in (after_home, after_article):
        assert "ad-slot" not in page
        assert "Advertise with us" not in page and "Your brand here" not in page
    assert "Budget explained" in after_article
