"""Meter decisions and paywall views reach the Prometheus counters through the real page."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from masthead.access import funnel
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph for everyone.</p><p>Second paragraph, gated.</p>"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def snapshot() -> dict:
    return {
        "counted": value("masthead_meter_decisions_total", result="counted"),
        "already": value("masthead_meter_decisions_total", result="already_counted"),
        "refused": value("masthead_meter_decisions_total", result="refused"),
        "metered": value("masthead_funnel_events_total", kind="metered_read", reason="-", channel="web"),
        "paywall": value("masthead_funnel_events_total", kind="paywall_shown", reason="limit_reached", channel="web"),
    }


def test_reads_up_to_the_limit_a_re_read_and_a_paywall_are_counted(publication):
    articles = [ArticleFactory(body=BODY) for _ in range(6)]
    client = Client()
    before = snapshot()

    for article in articles:
        client.get(article.get_absolute_url(), follow=True)
    client.get(articles[0].get_absolute_url(), follow=True)

    after = snapshot()
    assert {name: after[name] - before[name] for name in after} == {
        "counted": 5, "already": 1, "refused": 1, "metered": 5, "paywall": 1,
    }


def test_every_funnel_event_is_counted_even_before_it_is_written():
    before = value("masthead_funnel_events_total", kind="login_from_paywall", reason="-", channel="api")

    funnel.record("login_from_paywall", "", "api")

    assert value("masthead_funnel_events_total", kind="login_from_paywall", reason="-", channel="api") == before + 1
