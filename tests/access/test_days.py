"""The paywall's days are the publication's days: the per-address allowance of new meters
starts again at midnight in Kolkata, and the funnel counts each event on the publication's
date, even while UTC (and the server's TIME_ZONE) is still on the day before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masthead.access import funnel
from masthead.access.models import AccessRules, FunnelEvent
from masthead.core import clock
from tests.access.test_readers import BODY, read
from tests.content.factories import ArticleFactory, PublicationFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT, IST_JUST_BEFORE_MIDNIGHT

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.40"
REGISTRATION_WALL = "Create a free account to keep reading."


@pytest.fixture
def kolkata_on_a_utc_server(settings):
    settings.TIME_ZONE = "UTC"
    return PublicationFactory(time_zone="Asia/Kolkata")


def test_the_address_allowance_starts_again_at_midnight_in_the_publication_zone(kolkata_on_a_utc_server):
    AccessRules.objects.create(anonymous_meters_per_ip=1)
    with clock.travel(IST_JUST_BEFORE_MIDNIGHT):  # 23:50 on 1 December in Kolkata
        article = ArticleFactory(body=BODY)
        first = read(Client(), article, REMOTE_ADDR=ADDRESS).content.decode()
        second = read(Client(), article, REMOTE_ADDR=ADDRESS).content.decode()
    with clock.travel(IST_JUST_AFTER_MIDNIGHT):  # 00:15 on 2 December; 1 December in UTC
        next_day = read(Client(), article, REMOTE_ADDR=ADDRESS).content.decode()
        again = read(Client(), article, REMOTE_ADDR=ADDRESS).content.decode()

    assert ["Gated paragraph." in page for page in (first, second, next_day, again)] == [True, False, True, False]
    assert REGISTRATION_WALL in second and REGISTRATION_WALL in again


def test_funnel_events_are_counted_on_the_publication_s_date(kolkata_on_a_utc_server):
    client = Client()
    with clock.travel(IST_JUST_BEFORE_MIDNIGHT):
        evening, night = ArticleFactory(body=BODY), ArticleFactory(body=BODY)
        read(client, evening)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT):
        read(client, night)

    assert funnel.flush() == 2
    assert sorted((e.day, e.kind, e.count) for e in FunnelEvent.objects.all()) == [
        (dt.date(2026, 12, 1), "metered_read", 1),
        (dt.date(2026, 12, 2), "metered_read", 1),
    ]
