"""Who may read what: the one access decision, as a pure function.

Nothing here touches the database, the cache, the request or the clock: plain facts
come in, a frozen Decision goes out. The meter store is called *around* it:

    plan = classify(reader, item, benefits, rules, now)     # pure
    meter = store.check_and_count(...) if plan.meter_limit  # the one round trip
    decision = decide(reader, item, benefits, rules, now, meter)   # pure

`masthead.access.service.decide()` does exactly that for every channel (pages, API,
feeds, newsletters); none re-implements it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from masthead.access.benefits import Benefit


class Reason(str, enum.Enum):
    """Why a reader may or may not read an item. The values are stable (API, funnel)."""

    FREE = "free"                            # a free item: never counted
    ENTITLED = "entitled"                    # a benefit covers it (subscription, grant, staff)
    METERED = "metered"                      # metered, counted now
    ALREADY_COUNTED = "already_counted"      # metered, counted earlier this period
    VERIFIED_CRAWLER = "verified_crawler"    # a search crawler proven by DNS or IP range
    LIMIT_REACHED = "limit_reached"
    PREMIUM = "premium"                      # premium needs a subscription
    ARCHIVE = "archive"                      # archive needs a subscription
    MARKETS = "markets"                      # the market analysis needs its benefit
    REGISTRATION_REQUIRED = "registration_required"
    COOKIES_REQUIRED = "cookies_required"    # a client that keeps no meter cookie
    GIFTED = "gifted"                        # a subscriber's gift link to this one story

    @property
    def label(self) -> str:
        return _LABELS[self]


# The benefit whose absence a refusal stands for (the paywall offers plans carrying it).
NEEDS = {
    Reason.PREMIUM: Benefit.PREMIUM,
    Reason.ARCHIVE: Benefit.ARCHIVE,
    Reason.MARKETS: Benefit.MARKETS,
}

_LABELS = {
    Reason.FREE: "free item",
    Reason.ENTITLED: "entitled",
    Reason.METERED: "metered and counted now",
    Reason.ALREADY_COUNTED: "already counted this period",
    Reason.VERIFIED_CRAWLER: "verified crawler",
    Reason.LIMIT_REACHED: "limit reached",
    Reason.PREMIUM: "premium needs a subscription",
    Reason.ARCHIVE: "archive needs a subscription",
    Reason.MARKETS: "market analysis needs a subscription",
    Reason.REGISTRATION_REQUIRED: "registration required",
    Reason.COOKIES_REQUIRED: "free articles need cookies",
    Reason.GIFTED: "opened by a subscriber's gift link",
}


class Access(str, enum.Enum):
    """An item's access level (the Article.access values)."""

    FREE = "free"
    METERED = "metered"
    PREMIUM = "premium"


@dataclass(frozen=True)
class ReaderFacts:
    """What decide() needs to know about a reader; built by access.reader from a request.

    `meter_key` is None when the reader carries no meter (a client without the cookie).
    `over_ip_cap` marks an anonymous meter issued beyond the per-address daily cap.
    """

    meter_key: str | None
    is_authenticated: bool = False
    is_verified_crawler: bool = False
    over_ip_cap: bool = False


@dataclass(frozen=True)
class ItemFacts:
    """What decide() needs to know about an article (cached; no body here)."""

    article_id: int
    access: Access
    section_slug: str = ""
    section_is_premium: bool = False
    tag_slugs: frozenset[str] = frozenset()
    published_at: dt.datetime | None = None


@dataclass(frozen=True)
class Rules:
    """The publisher's paywall rules (access.AccessRules, with environment defaults)."""

    free_limit: int = 5
    period: str = "month"  # "month" or "30days"
    free_sections: frozenset[str] = frozenset()
    premium_sections: frozenset[str] = frozenset()
    free_tags: frozenset[str] = frozenset()
    premium_tags: frozenset[str] = frozenset()
    # Sections that are the market analysis: their stories need Benefit.MARKETS.
    market_sections: frozenset[str] = frozenset()
    registration_wall: int = 0  # anonymous reads before a free account is needed; 0 = off
    teaser_paragraphs: int = 1
    archive_days: int = 30  # 0 = no archive rule
    anonymous_meters_per_ip: int = 0  # per day; 0 = off
    crawler_domains: tuple[str, ...] = ("googlebot.com", "google.com", "search.msn.com")
    crawler_ip_ranges: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeterResult:
    """What the meter store answers for one check-and-count."""

    allowed: bool
    counted_now: bool
    already_counted: bool
    used: int
    remaining: int


@dataclass(frozen=True)
class Plan:
    """The pure first step: either a final decision, or the limit to ask the meter with."""

    decision: "Decision | None" = None
    meter_limit: int = 0


@dataclass(frozen=True)
class Decision:
    """What decide() answers: may the reader read it, why, and the meter's counts."""

    granted: bool
    reason: Reason
    access: Access
    limit: int = 0              # free_limit as the paywall states it
    used: int | None = None     # meter counts, when the meter was asked
    remaining: int | None = None
    benefits: frozenset[Benefit] = field(default=frozenset())

    @property
    def needs(self) -> Benefit | None:
        """The benefit that would open a refused item (None when a subscription is not the
        only way in, e.g. the free-article limit)."""
        return None if self.granted else NEEDS.get(self.reason)

    @property
    def last_free(self) -> bool:
        """This read used the reader's last free article of the period."""
        return self.reason is Reason.METERED and self.remaining == 0

    @property
    def metered(self) -> bool:
        """True when the meter was asked (the page shows how many reads are left)."""
        return self.used is not None


def effective_access(item: ItemFacts, rules: Rules) -> Access:
    """The item's access after the publisher's section and tag rules.

    Always-premium wins over always-free (a premium section stays premium even when a
    story carries a free tag), and both win over the article's own setting. The market
    analysis is for subscribers, so its sections are premium too.
    """
    if item.section_slug in rules.market_sections:
        return Access.PREMIUM
    if item.section_is_premium or item.section_slug in rules.premium_sections or item.tag_slugs & rules.premium_tags:
        return Access.PREMIUM
    if item.section_slug in rules.free_sections or item.tag_slugs & rules.free_tags:
        return Access.FREE
    return item.access


def is_archived(item: ItemFacts, rules: Rules, now: dt.datetime) -> bool:
    """Older than the archive age: a non-free item then needs the ARCHIVE benefit."""
    if not rules.archive_days or item.published_at is None:
        return False
    return now - item.published_at > dt.timedelta(days=rules.archive_days)


def meter_limit_for(reader: ReaderFacts, rules: Rules) -> int:
    """The limit the meter is asked with: the registration wall caps anonymous readers."""
    if not reader.is_authenticated and rules.registration_wall:
        return min(rules.free_limit, rules.registration_wall)
    return rules.free_limit


def classify(
    reader: ReaderFacts, item: ItemFacts, benefits: frozenset[Benefit], rules: Rules, now: dt.datetime
) -> Plan:
    """Decide everything that needs no meter; otherwise say which limit to count against."""
    access = effective_access(item, rules)

    def final(granted: bool, reason: Reason) -> Plan:
        return Plan(Decision(granted, reason, access, limit=rules.free_limit, benefits=benefits))

    if reader.is_verified_crawler:
        return final(True, Reason.VERIFIED_CRAWLER)
    if access is Access.FREE:
        return final(True, Reason.FREE)
    if is_archived(item, rules, now) and Benefit.ARCHIVE not in benefits:
        return final(False, Reason.ARCHIVE)
    if item.section_slug in rules.market_sections:
        return final(Benefit.MARKETS in benefits, Reason.ENTITLED if Benefit.MARKETS in benefits else Reason.MARKETS)
    if access is Access.PREMIUM:
        return final(Benefit.PREMIUM in benefits, Reason.ENTITLED if Benefit.PREMIUM in benefits else Reason.PREMIUM)
    if benefits & {Benefit.METERED, Benefit.PREMIUM}:
        return final(True, Reason.ENTITLED)
    if reader.meter_key is None:
        return final(False, Reason.COOKIES_REQUIRED)
    if not reader.is_authenticated and reader.over_ip_cap:
        return final(False, Reason.REGISTRATION_REQUIRED)
    if rules.free_limit <= 0:
        return final(False, Reason.LIMIT_REACHED)
    return Plan(meter_limit=meter_limit_for(reader, rules))


def decide(
    reader: ReaderFacts,
    item: ItemFacts,
    benefits: frozenset[Benefit],
    rules: Rules,
    now: dt.datetime,
    meter: MeterResult | None = None,
) -> Decision:
    """The access decision. `meter` is the store's answer when classify() asked for one."""
    plan = classify(reader, item, benefits, rules, now)
    if plan.decision is not None:
        return plan.decision
    if meter is None:
        raise ValueError("this read is metered: pass the meter store's result")
    access = effective_access(item, rules)
    counts = dict(limit=rules.free_limit, used=meter.used, remaining=meter.remaining, benefits=benefits)
    if meter.allowed:
        reason = Reason.ALREADY_COUNTED if meter.already_counted else Reason.METERED
        return Decision(True, reason, access, **counts)
    walled = plan.meter_limit < rules.free_limit and not reader.is_authenticated
    return Decision(False, Reason.REGISTRATION_REQUIRED if walled else Reason.LIMIT_REACHED, access, **counts)
