"""The search's free/premium filter agrees with the access decision: whatever makes a
story premium or free for access (its level, its section, the publisher's section, tag and
market analysis lists) puts it under that filter, and nothing else does."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import RequestFactory
from django.contrib.auth.models import AnonymousUser

from masthead.access.decision import Access, effective_access
from masthead.access.models import AccessRules
from masthead.access.rules import current_rules
from masthead.access.search import _item, search_for
from masthead.content import listings
from masthead.content.models import Article
from masthead.content.search import Filters
from masthead.core import clock
from tests.content.factories import ArticleFactory, PublicationFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_a_known_instant(db):
    PublicationFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def request():
    made = RequestFactory().get("/search/")
    made.user = AnonymousUser()
    return made


def test_the_filter_follows_the_access_rule_for_every_kind_of_story():
    sections = {slug: SectionFactory(name=slug, slug=slug, is_premium=(slug == "vault"))
                for slug in ("plain", "vault", "opinion", "letters", "markets-analysis")}
    tags = {slug: TagFactory(name=slug, slug=slug) for slug in ("deep-dive", "explainer", "other")}
    rules = AccessRules.objects.create()
    rules.premium_sections.add(sections["opinion"])
    rules.free_sections.add(sections["letters"])
    rules.market_sections.add(sections["markets-analysis"])
    rules.premium_tags.add(tags["deep-dive"])
    rules.free_tags.add(tags["explainer"])
    tag_sets = [(), ("deep-dive",), ("explainer",), ("other",), ("deep-dive", "explainer")]
    hour = 0
    for section, level, tagged in itertools.product(sections, Article.Access.values, tag_sets):
        hour += 1
        ArticleFactory(headline=f"Zinc {section} {level} {'+'.join(tagged) or 'untagged'}", access=level,
                       section=sections[section], tags=[tags[t] for t in tagged],
                       published_at=clock.now() - dt.timedelta(hours=hour))
    everything = listings.search_cards([a.pk for a in Article.objects.all()])
    by_rule = {kind: {c.headline for c in everything if effective_access(_item(c), current_rules()) == kind}
               for kind in (Access.FREE, Access.PREMIUM)}

    found = {kind: {r.card.headline for r in search_for(request(), "zinc", Filters(access=kind.value),
                                                        per_page=200).results}
             for kind in (Access.FREE, Access.PREMIUM)}

    assert len(everything) == 75
    assert found[Access.PREMIUM] == by_rule[Access.PREMIUM]
    assert found[Access.FREE] == by_rule[Access.FREE]
    assert len(by_rule[Access.PREMIUM]) == 59 and len(by_rule[Access.FREE]) == 14
