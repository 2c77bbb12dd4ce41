"""access.decide(): the entry every channel calls (web pages, the API, feeds, e-mails).

It gathers the plain facts, asks the pure decision module what it needs, makes the one
meter round trip when the read is metered, and returns the Decision.
"""

from __future__ import annotations

import datetime as dt

from masthead.access import decision as pure
from masthead.access import funnel
from masthead.access.decision import Access, Decision, ItemFacts, Reason
from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_reader
from masthead.access.meter.base import get_store
from masthead.access.periods import period_end, period_key
from masthead.access.rules import current_rules
from masthead.content.publication import current_publication
from masthead.content.rendering import ArticleFacts
from masthead.core import clock, metrics


def item_facts(article) -> ItemFacts:
    """ItemFacts from an Article (its section and tags loaded) or content's ArticleFacts."""
    if isinstance(article, ArticleFacts):
        return ItemFacts(
            article_id=article.pk,
            access=Access(article.access),
            section_slug=article.section_slug,
            section_is_premium=article.section_is_premium,
            tag_slugs=article.tag_slugs,
            published_at=article.published_at,
        )
    return ItemFacts(
        article_id=article.pk,
        access=Access(article.access),
        section_slug=article.section.slug,
        section_is_premium=article.section.is_premium,
        tag_slugs=frozenset(t.slug for t in article.tags.all()),
        published_at=article.published_at,
    )


def _zone():
    """The publication's time zone, which names the meter's months (kept in-process under
    the content version by current_publication)."""
    return current_publication().zone


def decide(reader, item, now: dt.datetime | None = None, *, benefits: frozenset[Benefit] | None = None,
           rules=None, channel: str = "web", store=None) -> Decision:
    """May this reader (access.reader.Reader) read this item (ItemFacts or an Article) now?

    Counts the read on the meter when it is metered and allowed; records the funnel event.
    """
    now = now or clock.now()
    rules = rules or current_rules()
    if not isinstance(item, ItemFacts):
        item = item_facts(item)
    if benefits is None:
        benefits = for_reader(reader.user, now=now, ip=reader.ip)
    plan = pure.classify(reader.facts, item, benefits, rules, now)
    meter = None
    if plan.decision is None:
        zone = _zone()
        meter = (store or get_store()).check_and_count(
            reader.facts.meter_key,
            period_key(now, rules.period, zone),
            item.article_id,
            plan.meter_limit,
            expires_at=period_end(now, rules.period, zone),
        )
        metrics.meter_decision(meter)
    result = pure.decide(reader.facts, item, benefits, rules, now, meter)
    _count(result, channel)
    return result


def _count(result: Decision, channel: str) -> None:
    if result.reason is Reason.METERED:
        funnel.record("metered_read", "", channel)
    elif not result.granted and result.reason is not Reason.COOKIES_REQUIRED:
        # A client without the cookie first gets a redirect, not a paywall: the page
        # counts it (record_cookie_wall) only when the teaser is actually shown.
        funnel.record("paywall_shown", result.reason.value, channel)


def record_cookie_wall(channel: str = "web") -> None:
    """Count a "free articles need cookies" paywall actually shown."""
    funnel.record("paywall_shown", Reason.COOKIES_REQUIRED.value, channel)


def merge_at_login(anonymous_key: str, account_key: str, now: dt.datetime | None = None):
    """Carry the anonymous period's reads into the account's meter (never resets either)."""
    now = now or clock.now()
    rules = current_rules()
    zone = _zone()
    return get_store().merge(
        anonymous_key, account_key, period_key(now, rules.period, zone), rules.free_limit,
        expires_at=period_end(now, rules.period, zone),
    )
