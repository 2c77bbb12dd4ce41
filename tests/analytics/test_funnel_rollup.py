"""From reads and payments to the daily rollups: dimensions, attribution, idempotence, privacy."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.test import Client

from masthead.analytics import events, rollup
from masthead.billing.gateways.sandbox import DECLINED
from masthead.analytics.models import (
    AttributionDay, CohortCell, Event, FunnelDay, FunnelSlice, FunnelTotal, MonthRevenue, RevenueDay, RolledUpDay,
)
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT

pytestmark = pytest.mark.django_db

BODY = "<p>Open paragraph.</p><p>Gated paragraph one.</p><p>Gated paragraph two.</p>"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DAY = dt.date(2026, 12, 2)  # the Kolkata day of IST_JUST_AFTER_MIDNIGHT (still 1 December in UTC)


def read(client, article, **extra):
    return client.get(article.get_absolute_url(), follow=True, **extra)


@pytest.fixture(autouse=True)
def _at_ist_midnight():
    """Stories are published, read and paid for at 00:15 in Kolkata, still yesterday in UTC."""
    with clock.travel(IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=5), frozen=True):
        yield


@pytest.fixture
def business(publication):
    return SectionFactory(name="Business", slug="business")


@pytest.mark.parametrize("referer, query, expected", [
    ("https://www.google.co.in/", "", "search"),
    ("https://news.google.com/stories/x", "", "search"),
    ("https://duckduckgo.com/?q=x", "", "search"),
    ("https://t.co/abc", "", "social"),
    ("https://m.facebook.com/", "", "social"),
    ("https://www.linkedin.com/feed/", "", "social"),
    ("", "utm_source=morning-brief&utm_medium=email", "newsletter"),
    ("https://mail.google.com/", "", "newsletter"),
    ("https://testserver/business/", "", "internal"),
    ("", "", "direct"),
    ("https://example.org/blog", "", "other"),
    ("not a url", "", "other"),
    ("https://notgoogle.com/", "", "other"),
])
def test_referrer_classes(referer, query, expected):
    assert events.referrer_class(referer, query, "testserver") == expected


@pytest.mark.parametrize("agent, channel, expected", [
    (IPHONE, "web", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "web", "tablet"),
    ("Mozilla/5.0 (Linux; Android 14; SM-X700) AppleWebKit/537.36 Safari/537.36", "web", "tablet"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36", "web", "mobile"),
    ("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "web", "desktop"),
    ("", "web", "desktop"),
    (IPHONE, "api", "app"),
])
def test_device_classes(agent, channel, expected):
    assert events.device_class(agent, channel) == expected


def test_reads_become_events_with_section_referrer_device_and_no_meter_key(business, settings):
    settings.MASTHEAD_FREE_LIMIT = 2
    stories = [ArticleFactory(body=BODY, section=business) for _ in range(3)]
    client = Client(HTTP_USER_AGENT=IPHONE)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        for story in stories:
            read(client, story, HTTP_REFERER="https://www.google.com/")
        assert events.flush() == 5
    rows = list(Event.objects.order_by("pk").values_list("kind", "reason", "section", "referrer", "device", "day"))
    assert rows == [
        ("metered_read", "", "business", "search", "mobile", DAY),
        ("meter_notice", "", "business", "search", "mobile", DAY),
        ("metered_read", "", "business", "search", "mobile", DAY),
        ("meter_notice", "", "business", "search", "mobile", DAY),
        ("paywall_view", "limit", "business", "search", "mobile", DAY),
    ]
    meter_cookie = client.cookies[settings.MASTHEAD_METER_COOKIE].value
    keys = set(Event.objects.values_list("reader", flat=True))
    assert len(keys) == 1 and len(next(iter(keys))) == 16
    assert not any(part in meter_cookie for part in keys)


def _snapshot():
    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields))

    return (
        rows(FunnelDay, "day", "kind", "reason", "section", "referrer", "device", "channel", "variant", "count", "revenue"),
        rows(RevenueDay, "day", "plan", "active", "mrr", "checkouts", "new", "renewed", "cancelled", "revenue", "gifts"),
        rows(AttributionDay, "day", "article_id", "headline", "section", "referrer", "subscriptions", "revenue"),
        rows(MonthRevenue, "month", "active_start", "active_end", "mrr_end"),
        rows(CohortCell, "cohort", "age", "size", "retained"),
        rows(FunnelTotal, "day", "kind", "reason", "count", "revenue"),
        rows(FunnelSlice, "day", "dimension", "value", "kind", "count"),
    )


def test_a_subscription_is_attributed_to_the_article_and_referrer_that_led_to_it(business, plans, make_user,
                                                                                  subscribe, settings):
    settings.MASTHEAD_FREE_LIMIT = 1
    first, story = ArticleFactory(body=BODY, section=business), ArticleFactory(body=BODY, section=business,
                                                                               headline="Rupee hits a new low")
    reader = make_user("asha")
    client = Client(HTTP_USER_AGENT=IPHONE)
    client.force_login(reader)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        read(client, first, HTTP_REFERER="https://t.co/x")
        read(client, story, HTTP_REFERER="https://t.co/x")   # the paywall
        events.flush()
        subscribe(reader, plans["smart-essential"], return_to=story.get_absolute_url())
        summary = rollup.rollup_days(DAY, DAY)
    assert summary.days == 1 and summary.events == 3
    funnel = {(r.kind, r.reason): r for r in FunnelDay.objects.filter(day=DAY)}
    assert {k: r.count for k, r in funnel.items()} == {
        ("metered_read", ""): 1, ("meter_notice", ""): 1, ("paywall_view", "limit"): 1,
        ("checkout", ""): 1, ("payment", ""): 1, ("subscription", ""): 1}
    assert (funnel[("subscription", "")].referrer, funnel[("subscription", "")].section,
            funnel[("subscription", "")].device) == ("social", "business", "mobile")
    assert funnel[("subscription", "")].revenue == 228814  # ₹2,700 after 18% GST
    credit = AttributionDay.objects.get()
    assert (credit.article_id, credit.headline, credit.referrer, credit.subscriptions) == (
        story.pk, "Rupee hits a new low", "social", 1)
    revenue = RevenueDay.objects.get(day=DAY)
    assert (revenue.plan, revenue.active, revenue.mrr, revenue.new, revenue.checkouts) == (
        "smart-essential", 1, 19068, 1, 1)
    assert CohortCell.objects.get().size == 1


def test_a_gift_is_revenue_on_the_day_it_is_paid_and_a_refund_on_the_day_it_is_refunded(
        publication, plans, make_user, subscribe, give, django_capture_on_commit_callbacks):
    from masthead.billing import gifts

    subscribe(make_user("ravi"), plans["smart-essential"])
    gift = give(plans["smart-essential"], 6)  # ₹1,350 with GST
    give(plans["smart-quarterly"], 3, card=DECLINED)  # a failed payment is no revenue
    rollup.rollup_days(DAY, DAY)
    row = RevenueDay.objects.get(day=DAY, plan="smart-essential")
    # The subscription's ₹2,700 and the gift's ₹1,350, after 18% GST (₹4,050 / 1.18, summed
    # before rounding); the gift adds no MRR.
    assert (row.active, row.mrr, row.new, row.gifts, row.revenue) == (1, 19068, 1, 1, 343220)
    assert not RevenueDay.objects.filter(plan="smart-quarterly").exclude(gifts=0).exists()

    with clock.travel(IST_JUST_AFTER_MIDNIGHT + dt.timedelta(days=1), frozen=True):
        with django_capture_on_commit_callbacks(execute=True):
            gifts.refund(gift)
        rollup.rollup_days(DAY, DAY + dt.timedelta(days=1))
    assert RevenueDay.objects.get(day=DAY, plan="smart-essential").revenue == 343220  # paid that day
    refunded = RevenueDay.objects.get(day=DAY + dt.timedelta(days=1), plan="smart-essential")
    assert (refunded.gifts, refunded.refunds, refunded.refunded, refunded.revenue, refunded.active) == (
        0, 1, 135000, 0, 1)


def test_rolling_a_day_up_again_gives_the_same_numbers(business, plans, make_user, subscribe, settings):
    settings.MASTHEAD_FREE_LIMIT = 1
    stories = [ArticleFactory(body=BODY, section=business) for _ in range(3)]
    reader = make_user("ravi")
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        for agent in (IPHONE, "Mozilla/5.0 (X11; Linux x86_64)"):
            client = Client(HTTP_USER_AGENT=agent)
            for story in stories:
                read(client, story)
        events.flush()
        subscribe(reader, plans["super-saver"], return_to=stories[0].get_absolute_url())
        rollup.rollup_days(DAY - dt.timedelta(days=1), DAY)
        once = _snapshot()
        rollup.rollup_days(DAY - dt.timedelta(days=1), DAY)
        rollup.rollup_days(DAY, DAY)
        assert _snapshot() == once
    assert sum(r.count for r in FunnelDay.objects.filter(kind="paywall_view")) == 4
    assert FunnelTotal.objects.get(day=DAY, kind="paywall_view").count == 4
    assert sorted(FunnelSlice.objects.filter(day=DAY, dimension="device", kind="paywall_view")
                  .values_list("value", "count")) == [("desktop", 2), ("mobile", 2)]
    assert RevenueDay.objects.get(day=DAY).mrr == 13771


def test_a_day_whose_raw_events_were_purged_keeps_its_funnel_counts(business, settings):
    settings.MASTHEAD_ANALYTICS_RAW_DAYS = 30
    settings.MASTHEAD_FREE_LIMIT = 1
    stories = [ArticleFactory(body=BODY, section=business) for _ in range(2)]
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        client = Client()
        for story in stories:
            read(client, story)
        events.flush()
        rollup.rollup_days(DAY, DAY)
    before = sorted(FunnelDay.objects.values_list("kind", "count"))
    with clock.travel(IST_JUST_AFTER_MIDNIGHT + dt.timedelta(days=40), frozen=True):
        assert rollup.purge_raw_events() == 3
        summary = rollup.rollup_days(DAY, DAY)
    assert Event.objects.count() == 0
    assert summary.kept == 1
    assert sorted(FunnelDay.objects.values_list("kind", "count")) == before
    assert RolledUpDay.objects.get(day=DAY).events == 3


def test_a_day_not_yet_rolled_up_is_not_purged(publication, settings):
    settings.MASTHEAD_ANALYTICS_RAW_DAYS = 30
    Event.objects.create(at=IST_JUST_AFTER_MIDNIGHT, day=DAY, kind="paywall_view", reason="limit", referrer="direct",
                         device="desktop", channel="web", reader="0" * 16)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT + dt.timedelta(days=40), frozen=True):
        assert rollup.purge_raw_events() == 0
    assert Event.objects.count() == 1


def test_rollups_hold_no_personal_data():
    personal = {"reader", "user", "email", "ip", "meter_key", "name", "address"}
    for model in (FunnelDay, FunnelTotal, FunnelSlice, RevenueDay, MonthRevenue, CohortCell, AttributionDay,
                  RolledUpDay):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & personal, model.__name__


def test_the_rollup_command_refuses_bad_days_and_shows_progress(publication):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rollup", "--from", "2026-13-01")
    with pytest.raises(CommandError, match="after"):
        call_command("rollup", "--from", "2026-12-05", "--to", "2026-12-01")
    out = StringIO()
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        call_command("rollup", "--from", "2026-11-28", "--to", "2026-12-02", stdout=out)
    text = out.getvalue()
    assert "5/5" in text and "rolled up 5 days from 0 raw events" in text


def test_an_account_s_raw_events_are_exported_and_erased_with_it(business, make_user, settings):
    from masthead.analytics import personal_data
    from masthead.analytics.models import Assignment, Experiment

    settings.MASTHEAD_FREE_LIMIT = 1
    reader = make_user("esha")
    client = Client()
    client.force_login(reader)
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        for story in [ArticleFactory(body=BODY, section=business) for _ in range(2)]:
            read(client, story)
        events.flush()
        experiment = Experiment.objects.create(slug="x", name="X", kind="free_limit", created_at=clock.now())
        Assignment.objects.create(experiment=experiment, reader=events.reader_hash(f"u:{reader.pk}"), arm="control",
                                  day=DAY)
        rollup.rollup_days(DAY, DAY)
    exported = personal_data.export(reader)
    assert [e["kind"] for e in exported["funnel_events"]] == ["metered_read", "meter_notice", "paywall_view"]
    assert exported["experiments"] == [{"experiment": "X", "variant": "control", "since": "2026-12-02"}]
    personal_data.erase(reader)
    assert Event.objects.count() == 0 and Assignment.objects.count() == 0
    assert FunnelTotal.objects.get(day=DAY, kind="paywall_view").count == 1  # the counts stay


def test_the_migration_rolls_up_again_the_days_of_gifts_sold_before_it(publication, plans, give):
    from django.apps import apps

    migration = importlib.import_module("masthead.analytics.migrations.0002_revenue_day_gifts")
    give(plans["smart-essential"], 6)
    rollup.rollup_days(DAY, DAY)
    RevenueDay.objects.update(gifts=0, revenue=0)  # as rolled up before gifts were counted

    migration.roll_up_gift_days(apps, None)

    row = RevenueDay.objects.get(day=DAY, plan="smart-essential")
    assert (row.gifts, row.revenue) == (1, 114407)
