"""The search contract: the same tests on whichever engine the database in use gives
(SQLite FTS5 under `make test`, PostgreSQL full-text search when MASTHEAD_DATABASE_URL
points at PostgreSQL, as CI's third run does)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from masthead.content import search
from masthead.content.models import Article
from masthead.content.search import Filters, Query, engine
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, PublicationFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _at_a_known_instant():
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def publication(db):
    return PublicationFactory()


def story(headline, body="", standfirst="", ago=HOUR, **extra):
    return ArticleFactory(headline=headline, standfirst=standfirst, body=f"<p>{body}</p>" if body else "",
                          published_at=clock.now() - ago, **extra)


def found(text, page=1, per_page=20, **filters):
    ids = search.find(Query(text, Filters(**filters)), page=page, per_page=per_page).ids
    return [Article.objects.get(pk=pk).headline for pk in ids]


def test_the_engine_follows_the_database(publication):
    assert engine().__name__.endswith("postgres" if connection.vendor == "postgresql" else "sqlite")


def test_the_body_is_searched_and_words_are_stemmed(publication):
    story("Polls close in the hills", body="The elections drew record crowds to the booths.")
    story("Weather", body="A calm week ahead.")

    assert found("election") == ["Polls close in the hills"]
    assert found("crowd") == ["Polls close in the hills"]
    assert found("booth elections") == ["Polls close in the hills"]


def test_every_word_is_needed_unless_or_is_said(publication):
    story("Monsoon arrives early", body="Rain over Kerala.")
    story("Drought grips the plains", body="No rain for weeks.", ago=2 * HOUR)

    assert found("monsoon drought") == []
    assert sorted(found("monsoon or drought")) == ["Drought grips the plains", "Monsoon arrives early"]


def test_a_quoted_phrase_needs_its_words_together_and_in_order(publication):
    story("Cabinet meets", body="The prime minister spoke first.")
    story("Minister quits", body="The minister named a prime suspect.", ago=2 * HOUR)

    assert found('"prime minister"') == ["Cabinet meets"]
    assert sorted(found("prime minister")) == ["Cabinet meets", "Minister quits"]


def test_a_minus_word_leaves_out_the_stories_that_hold_it(publication):
    story("Budget for roads", body="Highways and railway lines.")
    story("Budget for schools", body="Classrooms and teachers.", ago=2 * HOUR)

    assert found("budget -railway") == ["Budget for schools"]


def test_a_headline_match_ranks_above_a_body_match_and_newer_above_older(publication):
    story("Tea auctions", body="Prices steady.", ago=3 * DAY)
    story("Markets wrap", body="Tea was traded quietly among other things.", ago=HOUR)
    story("Tea auctions again", body="Prices steady.", ago=400 * DAY)

    assert found("tea") == ["Tea auctions", "Tea auctions again", "Markets wrap"]


def test_recency_orders_equal_matches(publication):
    for days in (900, 3, 30):
        story(f"Harvest report {days}", body="Wheat harvest figures.", ago=days * DAY)

    assert found("harvest") == ["Harvest report 3", "Harvest report 30", "Harvest report 900"]


def test_the_ranking_order_of_a_known_corpus(publication):
    # Where the word is (headline > standfirst > body) outweighs a few days; among equal
    # matches the newer first. (How far an old headline match falls behind a new body
    # match is the engines' own: ts_rank weighs a document's length, SQLite counts the matches.)
    story("Jute mills reopen", body="Workers return.", ago=10 * DAY)
    story("Mills reopen", standfirst="Jute workers return.", ago=HOUR)
    story("Looms idle", body="Some jute.", ago=30 * DAY)
    story("Weavers rest", body="Some jute.", ago=3 * HOUR)
    story("Cotton steady", body="No word of the fibre.", ago=HOUR)

    assert found("jute") == ["Jute mills reopen", "Mills reopen", "Weavers rest", "Looms idle"]


def test_relevance_is_ranked_among_the_newest_candidates_and_dates_reach_older_ones(publication, monkeypatch):
    # The bound (search.CANDIDATES, 2,000 in use): a word found in more stories than that
    # is ranked among its newest matches; the date filters reach the older ones.
    monkeypatch.setattr(search.limits, "CANDIDATES", 3)
    story("Jute in the headline, long ago", ago=3000 * DAY)
    for n in reversed(range(4)):
        story(f"Mills {n}", body="A little jute.", ago=(n + 1) * DAY)

    assert found("jute") == ["Mills 0", "Mills 1", "Mills 2"]
    # Newest by publication time, not by when a story was written (an imported archive).
    story("Mills imported", body="A little jute.", ago=500 * DAY)
    assert found("jute") == ["Mills 0", "Mills 1", "Mills 2"]
    old_days = dict(until=(clock.now() - 1000 * DAY).date())
    assert found("jute", **old_days) == ["Jute in the headline, long ago"]
    monkeypatch.setattr(search.limits, "CANDIDATES", 2000)
    assert len(found("jute")) == 6


def test_only_live_stories_are_found_and_a_scheduled_one_at_its_time(publication):
    story("Live saffron story")
    story("Draft saffron story", status=Article.Status.DRAFT)
    story("Withdrawn saffron story", status=Article.Status.WITHDRAWN)
    story("Scheduled saffron story", ago=-2 * HOUR, status=Article.Status.SCHEDULED)

    assert found("saffron") == ["Live saffron story"]
    with clock.travel(ORDINARY_DAY + 3 * HOUR):
        assert found("saffron") == ["Scheduled saffron story", "Live saffron story"]


def test_filters_by_section_author_and_dates_in_the_local_calendar(publication):
    india = SectionFactory(name="India", slug="india")
    world = SectionFactory(name="World", slug="world")
    asha = AuthorFactory(name="Asha Rao", slug="asha-rao")
    # 00:15 on 15 June in Kolkata is still 14 June in UTC: it is a 15 June story.
    just_after_midnight = dt.datetime(2026, 6, 14, 18, 45, tzinfo=dt.timezone.utc)
    ArticleFactory(headline="Rain in Pune", section=india, authors=[asha], published_at=just_after_midnight)
    ArticleFactory(headline="Rain in Lima", section=world, published_at=just_after_midnight - HOUR)

    assert found("rain", section="india") == ["Rain in Pune"]
    assert found("rain", author="asha-rao") == ["Rain in Pune"]
    assert found("rain", since=dt.date(2026, 6, 15)) == ["Rain in Pune"]
    assert found("rain", until=dt.date(2026, 6, 14)) == ["Rain in Lima"]
    assert found("rain", since=dt.date(2026, 6, 14), until=dt.date(2026, 6, 15)) == ["Rain in Pune", "Rain in Lima"]
    assert found("rain", section="no-such-section") == []
    assert found("rain", author="nobody") == []


def test_free_and_premium_follow_the_story_its_section_and_the_publishers_sections(publication):
    vault = SectionFactory(name="Vault", slug="vault", is_premium=True)
    opinion = SectionFactory(name="Opinion", slug="opinion")
    story("Copper free", access=Article.Access.FREE)
    story("Copper metered", access=Article.Access.METERED, ago=2 * HOUR)
    story("Copper premium", access=Article.Access.PREMIUM, ago=3 * HOUR)
    story("Copper in the vault", access=Article.Access.FREE, section=vault, ago=4 * HOUR)
    story("Copper opinion", access=Article.Access.PREMIUM, section=opinion, ago=5 * HOUR)

    assert found("copper", access="free") == ["Copper free"]
    assert sorted(found("copper", access="premium")) == ["Copper in the vault", "Copper opinion", "Copper premium"]
    assert found("copper", access="free", free_sections=frozenset({"opinion"})) == ["Copper free", "Copper opinion"]
    assert sorted(found("copper", access="premium", premium_sections=frozenset({"opinion"}),
                 free_sections=frozenset({"opinion"}))) == ["Copper in the vault", "Copper opinion", "Copper premium"]


def test_free_and_premium_follow_the_publishers_tags_premium_winning(publication):
    deep = TagFactory(name="Deep dive", slug="deep-dive")
    explainer = TagFactory(name="Explainer", slug="explainer")
    vault = SectionFactory(name="Vault", slug="vault", is_premium=True)
    story("Nickel deep dive", access=Article.Access.METERED, tags=[deep])
    story("Nickel explainer", access=Article.Access.PREMIUM, tags=[explainer], ago=2 * HOUR)
    story("Nickel both", access=Article.Access.FREE, tags=[deep, explainer], ago=3 * HOUR)
    story("Nickel explainer in the vault", access=Article.Access.FREE, tags=[explainer], section=vault, ago=4 * HOUR)
    story("Nickel metered", access=Article.Access.METERED, ago=5 * HOUR)
    rules = {"premium_tags": frozenset({"deep-dive"}), "free_tags": frozenset({"explainer"})}

    assert sorted(found("nickel", access="premium", **rules)) == [
        "Nickel both", "Nickel deep dive", "Nickel explainer in the vault"]
    assert found("nickel", access="free", **rules) == ["Nickel explainer"]
    # Without the publisher's tag lists, each story's own level (and its section's).
    assert sorted(found("nickel", access="premium")) == ["Nickel explainer", "Nickel explainer in the vault"]
    assert found("nickel", access="free") == ["Nickel both"]
    assert found("nickel", access="free", free_tags=frozenset({"no-such-tag"})) == ["Nickel both"]


def test_pages_follow_each_other_and_count_the_matches(publication):
    for n in range(25):
        story(f"Cricket score {n:02d}", ago=(n + 1) * HOUR)

    first = search.find(Query("cricket"), page=1, per_page=20)
    second = search.find(Query("cricket"), page=2, per_page=20)

    assert len(first.ids) == 20 and len(second.ids) == 5
    assert first.total == second.total == 25 and first.num_pages == 2
    assert first.has_next and not second.has_next
    assert not set(first.ids) & set(second.ids)
    assert found("cricket", page=1, per_page=20)[0] == "Cricket score 00"
    assert search.find(Query("cricket"), page=search.MAX_RESULTS).ids == []
    past = search.find(Query("cricket"), page=3, per_page=20)
    assert past.ids == [] and past.total == 25  # past the last page, still counted


def test_the_count_stops_at_the_matches_a_reader_can_page_through(publication, monkeypatch):
    monkeypatch.setattr(search.limits, "MAX_RESULTS", 7)
    monkeypatch.setattr(search.limits, "CANDIDATES", 9)
    for n in range(12):
        story(f"Rupee close {n:02d}", ago=(n + 1) * HOUR)

    assert search.find(Query("rupee"), page=1, per_page=5).total == 7
    assert search.find(Query("rupee"), page=2, per_page=5).total == 7
    assert search.find(Query("rupee"), page=9, per_page=5).total == 7


@pytest.mark.parametrize("odd", [
    '"', '"unclosed phrase', "-", "or", "OR OR", "***", "NEAR(a b)", "headline:tea", "tea*", "'; DROP TABLE x; --",
    "a" * 500, "(((", "🙂", "tea AND", "NOT tea", "^tea", "{tea}", "tea -", "\x00", "tea\x00'",
])
def test_odd_queries_neither_fail_nor_match_by_syntax(publication, odd):
    story("Tea prices", body="Tea and more tea.")

    results = search.find(Query(odd))

    assert isinstance(results.ids, list)
    if not any(c.isalnum() for c in odd.replace("AND", "").replace("NOT", "").replace("NEAR", "").replace("OR", "")):
        assert results.ids == []


def test_odd_queries_that_hold_words_still_find_them(publication):
    story("Tea prices", body="Tea and more tea.")

    for text in ['"tea', "tea*", "{tea}", "^tea", "tea AND", "(tea)"]:
        assert found(text) == ["Tea prices"], text


def test_accents_are_folded_and_case_is_ignored(publication):
    story("Café owners protest", body="Ownership rules.")

    assert found("CAFE") == ["Café owners protest"]
