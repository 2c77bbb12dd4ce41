"""Search for readers: the ranked results with snippets from what each reader may see.

    page = search_for(request, "monsoon rain", Filters(section="india"), page=1)
    page.results        # SearchResult: the card, the headline marked, the snippet
    page.has_next       # and total, page, num_pages, capped

Content's index finds and ranks the stories (``masthead.content.search``: the body is
searched); this module decides what each result may quote. The decision is the one
access decision (``decision.classify``) made without counting a read: a story the reader
may open now (free, entitled, a verified crawler) may be quoted from its whole body; any
other (metered, premium, archive) only from its headline, standfirst and free teaser, the
text its page shows every reader. Nothing is counted on the meter by a search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.safestring import SafeString

from masthead.access import reader as readers
from masthead.access.decision import Access, ItemFacts, classify
from masthead.access.entitlements import for_request as benefits_for
from masthead.access.rules import current_rules
from masthead.content import listings
from masthead.content import search as fulltext
from masthead.content.cards import ArticleCard
from masthead.content.models import Article
from masthead.content.search.snippets import highlight, snippet
from masthead.content.search.text import plain, publication_language
from masthead.content.teaser import split_teaser
from masthead.core import clock


@dataclass(frozen=True)
class SearchResult:
    card: ArticleCard
    headline_html: SafeString
    snippet_html: SafeString
    quotes_body: bool  # the snippet may come from the whole body (the reader may read it)


@dataclass(frozen=True)
class SearchPage:
    query: str
    results: list[SearchResult]
    number: int
    total: int
    num_pages: int
    capped: bool

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def with_rules(filters: fulltext.Filters) -> fulltext.Filters:
    """The filters with the publisher's always-free and always-premium sections and tags
    (and the market analysis sections, which are premium), so "free" and "premium" mean
    what the badges say (decision.effective_access)."""
    rules = current_rules()
    return fulltext.Filters(
        section=filters.section, author=filters.author, since=filters.since, until=filters.until,
        access=filters.access, free_sections=rules.free_sections,
        premium_sections=rules.premium_sections | rules.market_sections,
        free_tags=rules.free_tags, premium_tags=rules.premium_tags,
    )


def _item(card: ArticleCard) -> ItemFacts:
    return ItemFacts(card.id, Access(card.access), card.section_slug, card.section_is_premium, card.tag_slugs,
                     card.published_at)


def readable_now(request, cards: list[ArticleCard], now: dt.datetime | None = None) -> set[int]:
    """The ids of the stories this reader may open now without a read being counted."""
    now = now or clock.now()
    rules = current_rules()
    reader = readers.for_request(request, rules)
    benefits = benefits_for(request, reader.user)
    readable = set()
    for card in cards:
        plan = classify(reader.facts, _item(card), benefits, rules, now)
        if plan.decision is not None and plan.decision.granted:
            readable.add(card.id)
    return readable


def quotable_text(cards: list[ArticleCard], readable: set[int], teaser_paragraphs: int) -> dict[int, str]:
    """Per story, the plain text a snippet may quote: the standfirst and the whole body
    when readable, else the standfirst and the free teaser (the rest is dropped here)."""
    bodies = dict(Article.objects.filter(pk__in=[c.id for c in cards]).values_list("pk", "body"))
    quotable = {}
    for card in cards:
        body = bodies.get(card.id, "")
        shown = body if card.id in readable else split_teaser(body, teaser_paragraphs)[0]
        quotable[card.id] = " ".join(part for part in (card.standfirst, plain(shown)) if part)
    return quotable


def search_for(request, text: str, filters: fulltext.Filters | None = None, page: int = 1,
               per_page: int = fulltext.PER_PAGE) -> SearchPage:
    """One page of search results for this request's reader (see the module docstring)."""
    query = fulltext.Query(text, with_rules(filters or fulltext.Filters()))
    found = fulltext.find(query, page, per_page)
    cards = listings.search_cards(found.ids)
    readable = readable_now(request, cards)
    quotable = quotable_text(cards, readable, current_rules().teaser_paragraphs)
    language = publication_language()
    words = found.terms.words
    results = [
        SearchResult(card, highlight(card.headline, words, language), snippet(quotable[card.id], words, language),
                     card.id in readable)
        for card in cards
    ]
    return SearchPage(text, results, page, found.total, found.num_pages, found.capped)
