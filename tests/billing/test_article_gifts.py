"""Gift an article: a subscriber's 7-day link opens one gated story, through the one read
path, for anyone; it can be revoked, and a month allows only so many."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client

from masthead.billing import article_gifts
from masthead.billing.models import ArticleGift
from masthead.content.models import Article
from masthead.content.rendering import facts_for_slug
from masthead.core import clock
from tests.content.factories import ArticleFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT, ORDINARY_DAY

CANARY = "Quixotic marmosets juggle seventeen turquoise abacuses"
BODY = f"<p>The opening paragraph anyone may read.</p><p>{CANARY} behind the paywall.</p>"


@pytest.fixture(autouse=True)
def _mid_month():
    with clock.travel(ORDINARY_DAY, frozen=True):
        yield


@pytest.fixture
def stories(publication):
    return (ArticleFactory(body=BODY, access=Article.Access.PREMIUM),
            ArticleFactory(body=BODY, access=Article.Access.PREMIUM))


def make_link(client, subscriber, story) -> str:
    client.force_login(subscriber)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Gift this story" in page
    made = client.post("/accounts/gifts/articles/", {"article": story.slug}, follow=True)
    gift = ArticleGift.objects.filter(sender=subscriber).first()
    link = article_gifts.link_for(gift)
    assert "http://testserver" + link in made.content.decode()
    return link


def test_an_anonymous_browser_reads_the_gifted_story_and_only_that_one(client, subscriber, stories):
    story, other = stories
    link = make_link(client, subscriber, story)
    anyone = Client()
    opened = anyone.get(link)
    assert opened.status_code == 200 and CANARY in opened.content.decode()
    assert "Gift this story" not in opened.content.decode()
    # The same token on another story opens nothing.
    token = link.split("?gift=", 1)[1]
    refused = anyone.get(f"{other.get_absolute_url()}?gift={token}")
    assert CANARY not in refused.content.decode() and "This story is for subscribers." in refused.content.decode()
    # Nor does the story without the link, nor a forged token.
    assert CANARY not in anyone.get(story.get_absolute_url()).content.decode()
    assert CANARY not in anyone.get(f"{story.get_absolute_url()}?gift={token[:-2]}xx").content.decode()
    assert ArticleGift.objects.get().opens == 1


def test_the_link_lasts_seven_days(client, subscriber, stories):
    story, _ = stories
    link = make_link(client, subscriber, story)
    with clock.travel(ORDINARY_DAY + dt.timedelta(days=7, seconds=-1), frozen=True):
        assert CANARY in Client().get(link).content.decode()
    with clock.travel(ORDINARY_DAY + dt.timedelta(days=7), frozen=True):
        assert CANARY not in Client().get(link).content.decode()


def test_a_revoked_link_opens_nothing_and_is_listed_as_revoked(client, subscriber, stories):
    story, _ = stories
    link = make_link(client, subscriber, story)
    gift = ArticleGift.objects.get()
    client.post(f"/accounts/gifts/articles/{gift.pk}/revoke/")
    assert CANARY not in Client().get(link).content.decode()
    listing = client.get("/accounts/gifts/articles/").content.decode()
    assert "Revoked" in listing and story.headline in listing


def test_someone_else_cannot_revoke_a_link(client, subscriber, make_user, stories):
    story, _ = stories
    make_link(client, subscriber, story)
    gift = ArticleGift.objects.get()
    client.force_login(make_user("stranger"))
    assert client.post(f"/accounts/gifts/articles/{gift.pk}/revoke/").status_code == 404
    assert ArticleGift.objects.get().revoked_at is None


def test_a_month_allows_the_publishers_number_of_links(settings, client, subscriber, stories):
    settings.MASTHEAD_ARTICLE_GIFTS_PER_MONTH = 2
    story, other = stories
    facts = facts_for_slug(story.slug)
    for _ in range(2):
        article_gifts.gift_article(subscriber, facts)
    with pytest.raises(article_gifts.GiftRefused, match="the most a month allows"):
        article_gifts.gift_article(subscriber, facts)
    client.force_login(subscriber)
    listing = client.get("/accounts/gifts/articles/").content.decode()
    assert "You have 0 gift links left this month." in listing
    # The month is the publication's: 00:15 in Kolkata on 2 December is a new day, not a new month;
    # 1 January is.
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        assert article_gifts.left_this_month(subscriber) == 2


def test_a_revoked_link_still_counts_towards_the_month(settings, subscriber, stories):
    settings.MASTHEAD_ARTICLE_GIFTS_PER_MONTH = 1
    facts = facts_for_slug(stories[0].slug)
    gift = article_gifts.gift_article(subscriber, facts)
    article_gifts.revoke(gift, subscriber)
    with pytest.raises(article_gifts.GiftRefused):
        article_gifts.gift_article(subscriber, facts)


def test_a_reader_without_a_subscription_cannot_gift(client, reader, stories):
    client.force_login(reader)
    response = client.post("/accounts/gifts/articles/", {"article": stories[0].slug}, follow=True)
    assert "Gifting stories comes with a subscription." in response.content.decode()
    assert ArticleGift.objects.count() == 0


def test_a_gifted_read_counts_on_nobodys_meter(client, subscriber, publication):
    story = ArticleFactory(body=BODY)  # metered
    client.force_login(subscriber)
    gift = article_gifts.gift_article(subscriber, facts_for_slug(story.slug))
    anyone = Client()
    anyone.get(article_gifts.link_for(gift))
    others = [ArticleFactory() for _ in range(5)]
    pages = [anyone.get(o.get_absolute_url(), follow=True).content.decode() for o in others]
    assert all("You've reached your limit" not in page for page in pages)  # all five free reads remain
