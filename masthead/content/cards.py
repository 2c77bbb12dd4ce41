"""What a listing shows of an article: a card, built without ever loading the body.

Cards are small plain objects, so they cache cheaply and cannot leak gated text: the body
column is never selected for them (``CARD_FIELDS``), and a card has no field to hold it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from masthead.content.models import Article

# Everything a card needs; the body is deliberately absent.
CARD_FIELDS = (
    "id", "headline", "slug", "standfirst", "published_at", "updated_at", "created_at", "access",
    "is_top_story", "is_editors_pick", "origin", "lead_image", "lead_image_alt",
    "section__id", "section__slug", "section__name", "section__is_premium", "source__id", "source__name",
)


@dataclass(frozen=True)
class Byline:
    name: str
    url: str


@dataclass(frozen=True)
class ArticleCard:
    id: int
    headline: str
    url: str
    standfirst: str
    section_name: str
    section_url: str
    published_at: dt.datetime
    updated_at: dt.datetime | None
    is_premium: bool
    is_wire: bool
    source_name: str = ""
    image_url: str = ""
    image_alt: str = ""
    authors: tuple[Byline, ...] = field(default_factory=tuple)

    @property
    def byline(self) -> str:
        """"By A", "By A and B", "By A, B and C"; the agency for unsigned wire copy."""
        names = [a.name for a in self.authors]
        if not names:
            return self.source_name
        if len(names) == 1:
            return f"By {names[0]}"
        return "By " + ", ".join(names[:-1]) + " and " + names[-1]


def card_queryset(queryset):
    """Restrict an Article queryset to the columns a card needs, with its authors."""
    return queryset.select_related("section", "source").only(*CARD_FIELDS).prefetch_related("authors")


def card_for(article: Article) -> ArticleCard:
    """The card for one article (its section and authors should be loaded already)."""
    from masthead.content.models import is_premium

    return ArticleCard(
        id=article.pk,
        headline=article.headline,
        url=article.get_absolute_url(),
        standfirst=article.summary,
        section_name=article.section.name,
        section_url=article.section.get_absolute_url(),
        published_at=article.published_at,
        updated_at=article.updated_at,
        is_premium=is_premium(article),
        is_wire=article.origin == Article.Origin.WIRE,
        source_name=article.source.name if article.source_id else "",
        image_url=article.lead_image.url if article.lead_image else "",
        image_alt=article.lead_image_alt,
        authors=tuple(Byline(a.name, a.get_absolute_url()) for a in article.authors.all()),
    )


def cards(queryset) -> list[ArticleCard]:
    """Cards for every article in the queryset, in its order."""
    return [card_for(article) for article in card_queryset(queryset)]
