"""RSS and Atom feeds for the whole site and for each section.

Each item carries the headline, link, date, authors and the standfirst as its summary
(and a wire story its source's disclaimer line): never the body, for any item. That rule needs no access decision and cannot leak a
metered or premium story.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from masthead.content import listings
from masthead.content.cards import ArticleCard
from masthead.content.models import Section
from masthead.content.publication import current_publication

FEED_LENGTH = 30


class LatestStories(Feed):
    """The newest stories across the publication."""

    feed_type = Rss201rev2Feed

    def title(self):
        return current_publication().name

    def link(self):
        return "/"

    def description(self):
        publication = current_publication()
        return publication.tagline or f"The latest from {publication.name}"

    def items(self):
        return listings.latest_cards(limit=FEED_LENGTH)

    def item_title(self, item: ArticleCard):
        return item.headline

    def item_description(self, item: ArticleCard):
        if item.disclaimer:
            return f"{item.standfirst}\n\n{item.disclaimer}".strip()
        return item.standfirst

    def item_link(self, item: ArticleCard):
        return item.url

    def item_pubdate(self, item: ArticleCard):
        return item.published_at

    def item_updateddate(self, item: ArticleCard):
        return item.updated_at or item.published_at

    def item_author_name(self, item: ArticleCard):
        return item.credit or ", ".join(a.name for a in item.authors) or item.source_name or None

    def item_categories(self, item: ArticleCard):
        return [item.section_name]


class LatestStoriesAtom(LatestStories):
    feed_type = Atom1Feed
    subtitle = LatestStories.description


class SectionStories(LatestStories):
    """The newest stories in one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{section.name} · {current_publication().name}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"The latest {section.name} stories from {current_publication().name}"

    def items(self, section):
        return listings.latest_cards(section, limit=FEED_LENGTH)


class SectionStoriesAtom(SectionStories):
    feed_type = Atom1Feed
    subtitle = SectionStories.description
