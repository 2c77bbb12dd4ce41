"""The access decision as a truth table: plain facts in, a Decision out (no DB, no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.access.decision import (
    Access, ItemFacts, MeterResult, ReaderFacts, Reason, Rules, classify, decide, effective_access,
)
from masthead.access.benefits import ALL as ALL_BENEFITS, Benefit

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
RULES = Rules(free_limit=5, archive_days=30)
WALLED = Rules(free_limit=5, registration_wall=2)

anon = ReaderFacts("a:cookie")
cookieless = ReaderFacts(None)
capped = ReaderFacts("a:capped", over_ip_cap=True)
member = ReaderFacts("u:7", is_authenticated=True)
crawler = ReaderFacts(None, is_verified_crawler=True)

NONE = frozenset()
SUBSCRIBER = frozenset({Benefit.PREMIUM, Benefit.METERED, Benefit.ARCHIVE, Benefit.AD_FREE})
NO_ARCHIVE = frozenset({Benefit.PREMIUM, Benefit.METERED})
METERED_ONLY = frozenset({Benefit.METERED})
WITH_MARKETS = SUBSCRIBER | {Benefit.MARKETS}
MARKETS_ONLY = frozenset({Benefit.MARKETS})
# "analysis" is the market analysis; the archive rule still applies to it.
MARKETS = Rules(free_limit=5, archive_days=30, market_sections=frozenset({"analysis"}))


def item(access=Access.METERED, age_days=1, section="news", tags=(), section_premium=False):
    return ItemFacts(11, access, section, section_premium, frozenset(tags), NOW - dt.timedelta(days=age_days))


new_read = MeterResult(True, True, False, 3, 2)
re_read = MeterResult(True, False, True, 5, 0)
at_limit = MeterResult(False, False, False, 5, 0)
at_wall = MeterResult(False, False, False, 2, 0)

CASES = [
    # reader,     item,                                 benefits,    rules,   meter,    granted, reason
    (anon,       item(Access.FREE),                     NONE,        RULES,   None,     True,  Reason.FREE),
    (cookieless, item(Access.FREE),                     NONE,        RULES,   None,     True,  Reason.FREE),
    (anon,       item(Access.FREE, age_days=400),       NONE,        RULES,   None,     True,  Reason.FREE),
    (anon,       item(),                                NONE,        RULES,   new_read, True,  Reason.METERED),
    (anon,       item(),                                NONE,        RULES,   re_read,  True,  Reason.ALREADY_COUNTED),
    (anon,       item(),                                NONE,        RULES,   at_limit, False, Reason.LIMIT_REACHED),
    (member,     item(),                                NONE,        RULES,   at_limit, False, Reason.LIMIT_REACHED),
    (cookieless, item(),                                NONE,        RULES,   None,     False, Reason.COOKIES_REQUIRED),
    (capped,     item(),                                NONE,        RULES,   None,     False, Reason.REGISTRATION_REQUIRED),
    (anon,       item(),                                NONE,        WALLED,  at_wall,  False, Reason.REGISTRATION_REQUIRED),
    (member,     item(),                                NONE,        WALLED,  at_wall,  False, Reason.LIMIT_REACHED),
    (anon,       item(Access.PREMIUM),                  NONE,        RULES,   None,     False, Reason.PREMIUM),
    (member,     item(Access.PREMIUM),                  NONE,        RULES,   None,     False, Reason.PREMIUM),
    (member,     item(Access.PREMIUM),                  METERED_ONLY, RULES,  None,     False, Reason.PREMIUM),
    (member,     item(Access.PREMIUM),                  SUBSCRIBER,  RULES,   None,     True,  Reason.ENTITLED),
    (member,     item(),                                SUBSCRIBER,  RULES,   None,     True,  Reason.ENTITLED),
    (member,     item(),                                METERED_ONLY, RULES,  None,     True,  Reason.ENTITLED),
    (member,     item(Access.PREMIUM),                  frozenset(ALL_BENEFITS), RULES, None, True, Reason.ENTITLED),
    (anon,       item(age_days=31),                     NONE,        RULES,   None,     False, Reason.ARCHIVE),
    (member,     item(age_days=31),                     NO_ARCHIVE,  RULES,   None,     False, Reason.ARCHIVE),
    (member,     item(Access.PREMIUM, age_days=31),     SUBSCRIBER,  RULES,   None,     True,  Reason.ENTITLED),
    (anon,       item(age_days=31),                     NONE,        Rules(archive_days=0), new_read, True, Reason.METERED),
    (crawler,    item(Access.PREMIUM),                  NONE,        RULES,   None,     True,  Reason.VERIFIED_CRAWLER),
    (crawler,    item(age_days=400),                    NONE,        RULES,   None,     True,  Reason.VERIFIED_CRAWLER),
    (anon,       item(section="opinion"),               NONE,        Rules(free_sections=frozenset({"opinion"})), None, True, Reason.FREE),
    (anon,       item(tags=("covid",)),                 NONE,        Rules(free_tags=frozenset({"covid"})), None, True, Reason.FREE),
    (anon,       item(section="markets"),               NONE,        Rules(premium_sections=frozenset({"markets"})), None, False, Reason.PREMIUM),
    (anon,       item(tags=("deep-dive",)),             NONE,        Rules(premium_tags=frozenset({"deep-dive"})), None, False, Reason.PREMIUM),
    (anon,       item(Access.FREE, section_premium=True), NONE,      RULES,   None,     False, Reason.PREMIUM),
    (anon,       item(Access.FREE, section="x", tags=("p",)), NONE,  Rules(free_sections=frozenset({"x"}), premium_tags=frozenset({"p"})), None, False, Reason.PREMIUM),
    (anon,       item(),                                NONE,        Rules(free_limit=0), None, False, Reason.LIMIT_REACHED),
    (anon,       item(section="analysis"),              NONE,        MARKETS, None,     False, Reason.MARKETS),
    (member,     item(section="analysis"),              METERED_ONLY, MARKETS, None,    False, Reason.MARKETS),
    (member,     item(section="analysis"),              SUBSCRIBER,  MARKETS, None,     False, Reason.MARKETS),
    (member,     item(Access.FREE, section="analysis"), SUBSCRIBER,  MARKETS, None,     False, Reason.MARKETS),
    (anon,       item(Access.FREE, section="analysis"), NONE,        Rules(market_sections=frozenset({"analysis"}), free_sections=frozenset({"analysis"})), None, False, Reason.MARKETS),
    (member,     item(section="analysis"),              WITH_MARKETS, MARKETS, None,    True,  Reason.ENTITLED),
    (member,     item(Access.PREMIUM, section="analysis"), MARKETS_ONLY, MARKETS, None, True,  Reason.ENTITLED),
    (member,     item(section="analysis", age_days=31), WITH_MARKETS, MARKETS, None,    True,  Reason.ENTITLED),
    (member,     item(section="analysis", age_days=31), MARKETS_ONLY, MARKETS, None,    False, Reason.ARCHIVE),
    (member,     item(section="news"),                  MARKETS_ONLY, MARKETS, new_read, True, Reason.METERED),
    (crawler,    item(section="analysis"),              NONE,        MARKETS, None,     True,  Reason.VERIFIED_CRAWLER),
]


@pytest.mark.parametrize("reader, item_, benefits, rules, meter, granted, reason", CASES)
def test_decision_table(reader, item_, benefits, rules, meter, granted, reason):
    decision = decide(reader, item_, benefits, rules, NOW, meter)

    assert (decision.granted, decision.reason) == (granted, reason)
    assert decision.limit == rules.free_limit


def test_meter_is_asked_only_for_metered_reads_with_the_wall_as_limit():
    assert classify(anon, item(), NONE, RULES, NOW).meter_limit == 5
    assert classify(anon, item(), NONE, WALLED, NOW).meter_limit == 2
    assert classify(member, item(), NONE, WALLED, NOW).meter_limit == 5
    assert classify(anon, item(Access.FREE), NONE, RULES, NOW).meter_limit == 0
    assert classify(member, item(), SUBSCRIBER, RULES, NOW).meter_limit == 0


def test_a_metered_decision_carries_the_meter_counts():
    decision = decide(anon, item(), NONE, RULES, NOW, new_read)

    assert (decision.used, decision.remaining, decision.limit, decision.metered) == (3, 2, 5, True)


def test_a_decision_without_the_meter_carries_no_counts():
    decision = decide(anon, item(Access.PREMIUM), NONE, RULES, NOW)

    assert (decision.used, decision.remaining, decision.metered) == (None, None, False)


def test_a_metered_read_without_a_meter_result_is_a_programming_error():
    with pytest.raises(ValueError):
        decide(anon, item(), NONE, RULES, NOW, None)


def test_the_archive_starts_after_exactly_archive_days():
    assert decide(anon, item(age_days=30), NONE, RULES, NOW, new_read).reason is Reason.METERED
    assert effective_access(item(), RULES) is Access.METERED


def test_the_market_analysis_is_premium_in_listings_and_opens_only_with_its_benefit():
    assert effective_access(item(Access.FREE, section="analysis"), MARKETS) is Access.PREMIUM
    refused = decide(member, item(section="analysis"), SUBSCRIBER, MARKETS, NOW)
    assert refused.needs is Benefit.MARKETS


def test_reasons_have_the_issue_labels():
    assert [r.label for r in Reason] == [
        "free item", "entitled", "metered and counted now", "already counted this period", "verified crawler",
        "limit reached", "premium needs a subscription", "archive needs a subscription", "market analysis needs a subscription", "registration required",
        "free articles need cookies", "opened by a subscriber's gift link",
    ]


def test_periods_are_months_in_the_publication_zone_or_30_day_windows():
    import zoneinfo

    from masthead.access.periods import period_end, period_key, recent_period_keys

    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    new_year_in_india = dt.datetime(2026, 12, 31, 19, 0, tzinfo=dt.timezone.utc)  # 00:30 IST, 1 Jan

    assert period_key(new_year_in_india, "month", kolkata) == "2027-01"
    assert period_key(new_year_in_india, "month", zoneinfo.ZoneInfo("UTC")) == "2026-12"
    assert period_end(new_year_in_india, "month", kolkata) == dt.datetime(2027, 1, 31, 18, 30, tzinfo=dt.timezone.utc)
    assert recent_period_keys(new_year_in_india, "month", kolkata) == ["2027-01", "2026-12", "2026-11"]
    assert period_key(new_year_in_india, "30days", kolkata) == "d30-328"
    assert recent_period_keys(new_year_in_india, "30days", kolkata) == ["d30-328", "d30-327", "d30-326"]
