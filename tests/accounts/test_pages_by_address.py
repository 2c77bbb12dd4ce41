"""Cached anonymous pages follow what a reader's address grants (an organisation's ad-free range)."""

from __future__ import annotations

import pytest

from masthead.content.models import Article
from tests.accounts.factories import AdSlotFactory, OrganisationFactory
from tests.content.factories import ArticleFactory, PublicationFactory, SectionFactory

pytestmark = pytest.mark.django_db

AD = "ACME-AD-MARKUP-7731"
INSIDE, OUTSIDE = "203.0.113.5", "198.51.100.5"


@pytest.fixture
def ad_free_campus(db):
    PublicationFactory()
    AdSlotFactory(name="top")
    AdSlotFactory(name="article-top")
    return OrganisationFactory(ip_ranges="203.0.113.0/24", all_benefits=False, benefits=["ad_free"])


@pytest.mark.parametrize("path", ["/", "/section/world/"])
@pytest.mark.parametrize("first", [INSIDE, OUTSIDE])
def test_whoever_comes_first_does_not_decide_the_ads_for_everyone(client, ad_free_campus, path, first):
    ArticleFactory(section=SectionFactory(slug="world", name="World"))
    client.get(path, REMOTE_ADDR=first)

    inside = client.get(path, REMOTE_ADDR=INSIDE).content.decode()
    outside = client.get(path, REMOTE_ADDR=OUTSIDE).content.decode()

    assert (AD in inside, AD in outside) == (False, True)


def test_pages_that_vary_by_address_are_not_offered_to_shared_caches(client, ad_free_campus):
    article = ArticleFactory(access=Article.Access.FREE)

    home = client.get("/", REMOTE_ADDR=OUTSIDE)
    story = client.get(article.get_absolute_url(), REMOTE_ADDR=OUTSIDE)

    assert home["Cache-Control"] == "private, max-age=0"
    assert "public" not in story["Cache-Control"]
    assert AD in story.content.decode()


def test_without_address_ranges_pages_stay_shared_cacheable(client, db):
    PublicationFactory()
    OrganisationFactory(email_domains="example.edu")  # by e-mail domain only: no page varies by address
    article = ArticleFactory(access=Article.Access.FREE)

    assert client.get("/")["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert client.get(article.get_absolute_url())["Cache-Control"] == "public, max-age=60"


def test_a_new_range_applies_to_pages_already_cached(client, db):
    PublicationFactory()
    AdSlotFactory(name="top")
    assert AD in client.get("/", REMOTE_ADDR=INSIDE).content.decode()

    OrganisationFactory(ip_ranges="203.0.113.0/24", all_benefits=False, benefits=["ad_free"])

    assert AD not in client.get("/", REMOTE_ADDR=INSIDE).content.decode()
    assert AD in client.get("/", REMOTE_ADDR=OUTSIDE).content.decode()


def test_a_new_ad_slot_applies_to_pages_already_cached(client, db):
    PublicationFactory()
    assert AD not in client.get("/").content.decode()

    AdSlotFactory(name="top")

    assert AD in client.get("/").content.decode()
