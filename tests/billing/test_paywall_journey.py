"""Done-when, through the real pages: stopped by the paywall, buy Smart Essential in the sandbox,
land back on the article unlocked, see the renewal on the account page, cancel, keep reading."""

from __future__ import annotations

import datetime as dt
import re

from masthead.billing.models import Subscription
from masthead.core import clock
from tests.content.factories import ArticleFactory

SECRET_LINE = "A second paragraph."


def test_paywall_to_unlocked_article_then_cancel_and_keep_access(client, reader, plans,
                                                                 django_capture_on_commit_callbacks):
    article = ArticleFactory(headline="Budget 2027: what changes for savers", access="premium")
    url = article.get_absolute_url()
    client.force_login(reader)
    stopped = client.get(url).content.decode()
    assert SECRET_LINE not in stopped
    choose = re.search(r'href="(/subscribe/\?plan=smart-essential[^"]*)"', stopped).group(1).replace("&amp;", "&")

    checkout = client.get(choose, follow=True)
    assert checkout.redirect_chain[-1][0].startswith("/checkout/?plan=smart-essential")
    sandbox = client.post("/checkout/", {"plan": "smart-essential", "next": url})
    paid = client.post(sandbox["Location"], {"card_number": "4242 4242 4242 4242"})
    with django_capture_on_commit_callbacks(execute=True):
        landed = client.get(paid["Location"], follow=True)
    assert landed.redirect_chain[-1][0] == url
    assert SECRET_LINE in landed.content.decode()

    sub = Subscription.objects.get(user=reader)
    account = client.get("/accounts/subscription/").content.decode()
    renews = sub.current_period_end.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert f"{renews.day} {renews:%B %Y}: ₹2,700 for 1 year (₹225/Month)" in account

    client.post("/accounts/subscription/cancel/")
    assert SECRET_LINE in client.get(url).content.decode()
    with clock.travel(sub.current_period_end + dt.timedelta(minutes=1) - clock.now()):
        assert SECRET_LINE not in client.get(url).content.decode()
