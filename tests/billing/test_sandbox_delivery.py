"""The sandbox posts its signed webhook over real HTTP to Masthead's endpoint, as a provider does."""

from __future__ import annotations

import pytest

from masthead.billing import actions
from masthead.billing.gateways.sandbox import SUCCEEDS
from masthead.billing.models import Subscription, WebhookEvent


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_delivers_its_webhook_over_http_and_it_unlocks_the_reader(
        live_server, settings, reader, essential, sandbox, sandbox_store):
    settings.MASTHEAD_PUBLIC_URL = live_server.url
    settings.MASTHEAD_SANDBOX_DELIVER_WEBHOOKS = True
    sub, start = actions.start_checkout(reader, essential, return_url=live_server.url + "/checkout/return/sandbox/",
                                        cancel_url=live_server.url + "/subscribe/", gateway=sandbox)
    sandbox.pay(sandbox.read_checkout(start.redirect_url.rstrip("/").rsplit("/", 1)[1]), SUCCEEDS)
    row = WebhookEvent.objects.get()
    assert (row.gateway, row.status, row.headers["user-agent"]) == ("sandbox", "succeeded", "Masthead-Sandbox/1")
    assert Subscription.objects.get(pk=sub.pk).state == "active"
    delivered = sandbox_store.connection().execute("SELECT delivered FROM webhooks").fetchall()
    assert delivered == [(1,)]
