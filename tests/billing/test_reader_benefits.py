"""A subscriber's read costs no query but the session: benefits are kept per reader and
retired by every change that alters them (and by time)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.access.benefits import Benefit
from masthead.accounts.models import ComplimentaryGrant
from masthead.billing import actions
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

GATED = "The second paragraph only subscribers may read."
BODY = f"<p>The opening paragraph anyone may read.</p><p>{GATED}</p>"


def queries_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_subscribers_repeat_read_makes_no_query(publication, subscriber):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(subscriber)
    first = queries_of(client, story.get_absolute_url())  # facts, parts, benefits, user, session

    # The session once more (from the database, or from Redis with no query): its reader is known now.
    second = queries_of(client, story.get_absolute_url())
    then = queries_of(client, story.get_absolute_url())

    assert len(first) > 3
    assert all('FROM "django_session"' in sql for sql in second) and len(second) <= 1
    assert then == []


def test_a_device_signed_out_elsewhere_is_signed_out_though_its_session_was_kept(publication, subscriber):
    from masthead.accounts import devices
    from masthead.accounts.models import Device

    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    phone, laptop = Client(), Client()
    phone.force_login(subscriber)
    laptop.force_login(subscriber)
    for _ in range(3):
        assert GATED in phone.get(story.get_absolute_url()).content.decode()
    phone_key = phone.cookies["sessionid"].value
    Device.objects.get_or_create(user=subscriber, session_key=phone_key,
                                 defaults={"name": "Phone", "first_seen": clock.now(), "last_seen": clock.now()})

    devices.sign_out(Device.objects.get(session_key=phone_key))

    assert GATED not in phone.get(story.get_absolute_url()).content.decode()
    assert GATED in laptop.get(story.get_absolute_url()).content.decode()


def test_logging_out_ends_the_kept_session(publication, subscriber):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(subscriber)
    for _ in range(3):
        client.get(story.get_absolute_url())
    old = client.cookies["sessionid"].value

    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = old

    assert GATED not in thief.get(story.get_absolute_url()).content.decode()
    assert GATED not in client.get(story.get_absolute_url()).content.decode()


def test_a_changed_password_signs_out_other_sessions_though_the_user_is_kept(publication, subscriber):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(subscriber)
    assert GATED in client.get(story.get_absolute_url()).content.decode()

    subscriber.set_password("a-new-secret-9876")
    subscriber.save()

    assert GATED not in client.get(story.get_absolute_url()).content.decode()


def test_cancelling_retires_the_kept_benefits_and_the_paid_through_date_ends_them(publication, subscriber):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(subscriber)
    assert GATED in client.get(story.get_absolute_url()).content.decode()
    sub = actions.current_subscription(subscriber)

    actions.cancel_subscription(sub)
    sub.refresh_from_db()
    with clock.travel(sub.access_until - dt.timedelta(seconds=60)):
        assert GATED in client.get(story.get_absolute_url()).content.decode()  # paid through, kept

    with clock.travel(sub.access_until + dt.timedelta(seconds=1)):
        assert GATED not in client.get(story.get_absolute_url()).content.decode()


def test_a_grant_given_to_a_signed_in_reader_opens_the_next_page(publication, reader):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(reader)
    assert GATED not in client.get(story.get_absolute_url()).content.decode()

    ComplimentaryGrant.objects.create(user=reader, reason="press", all_benefits=False, benefits=["premium"],
                                      starts_at=clock.now() - dt.timedelta(days=1),
                                      ends_at=clock.now() + dt.timedelta(days=1))

    assert GATED in client.get(story.get_absolute_url()).content.decode()


def test_a_grant_that_starts_later_opens_the_page_when_it_starts(publication, reader):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    starts = clock.now() + dt.timedelta(seconds=90)
    ComplimentaryGrant.objects.create(user=reader, reason="gift", starts_at=starts, ends_at=starts + dt.timedelta(days=1))
    client = Client()
    client.force_login(reader)
    assert GATED not in client.get(story.get_absolute_url()).content.decode()

    with clock.travel(starts + dt.timedelta(seconds=1)):
        assert GATED in client.get(story.get_absolute_url()).content.decode()


def test_narrowing_a_plan_retires_every_subscribers_kept_benefits(publication, subscriber, essential):
    story = ArticleFactory(body=BODY, access=Article.Access.PREMIUM)
    client = Client()
    client.force_login(subscriber)
    assert GATED in client.get(story.get_absolute_url()).content.decode()

    essential.benefits = [Benefit.AD_FREE.value]
    essential.save()

    assert GATED not in client.get(story.get_absolute_url()).content.decode()
