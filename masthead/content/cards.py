"""What a listing shows of an article: a card, built without ever loading the body.

Cards are small plain objects, so they cache cheaply and cannot leak gated text: the body
column is never selected for them (``CARD_FIELDS``), and a card has no field to hold it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from masthead.content import renditions
from masthead.content.access_rule import shown_access
from masthead.content.bylines import byline_of
from masthead.content.models import Article

# Everything a card needs; the body is deliberately absent.
CARD_FIELDS = (
    "id", "headline", "slug", "standfirst", "published_at", "updated_at", "created_at", "access",
    "is_top_story", "is_editors_pick", "origin", "lead_image", "lead_image_alt",
    "section__id", "section__slug", "section__name", "section__is_premium", "source__id", "source__name",
    "source__disclaimer", "credit",
    # The library's lead picture: what its renditions' names and <picture> need.
    "lead_picture__id", "lead_picture__image", "lead_picture__width", "lead_picture__height", "lead_picture__alt",
    "lead_picture__focal_x", "lead_picture__focal_y", "lead_picture__renditions_ready",
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
    # What the Premium badge is decided from, by access's rule when the card is shown (a
    # cached card follows a change of the rules).
    access: str
    section_slug: str
    section_is_premium: bool
    tag_slugs: frozenset[str]
    is_wire: bool
    source_name: str = ""
    image_url: str = ""
    image_alt: str = ""
    picture_html: str = ""  # the lead picture with renditions (<picture>, srcset), when from the library
    authors: tuple[Byline, ...] = field(default_factory=tuple)
    credit: str = ""  # the printed byline of a wire story, when its source's rules give one
    disclaimer: str = ""  # a wire story's disclaimer line: feeds carry it, listing pages do not


    @property
    def is_premium(self) -> bool:
        return shown_access(self.access, self.section_slug, self.section_is_premium, self.tag_slugs) == "premium"

    @property
    def byline(self) -> str:
        if self.credit:
            return self.credit
        return byline_of((a.name for a in self.authors), self.source_name)


def _image_url(article: Article) -> str:
    if article.lead_picture_id:
        return renditions.largest_url(article.lead_picture)
    return article.lead_image.url if article.lead_image else ""


def card_queryset(queryset):
    """Restrict an Article queryset to the columns a card needs, with its authors."""
    return queryset.select_related("section", "source", "lead_picture").only(*CARD_FIELDS).prefetch_related("authors", "tags")


def card_for(article: Article) -> ArticleCard:
    """The card for one article (its section and authors should be loaded already)."""
    return ArticleCard(
        id=article.pk,
        headline=article.headline,
        url=article.get_absolute_url(),
        standfirst=article.summary,
        section_name=article.section.name,
        section_url=article.section.get_absolute_url(),
        published_at=article.published_at,
        updated_at=article.updated_at,
        access=article.access,
        section_slug=article.section.slug,
        section_is_premium=article.section.is_premium,
        tag_slugs=frozenset(t.slug for t in article.tags.all()),
        is_wire=article.origin == Article.Origin.WIRE,
        source_name=article.source.name if article.source_id else "",
        image_url=_image_url(article),
        image_alt=article.lead_picture.alt if article.lead_picture_id else article.lead_image_alt,
        picture_html=renditions.picture_html(article.lead_picture, crop="wide", sizes=renditions.SIZES["card"],
                                             css_class="card__image") if article.lead_picture_id else "",
        authors=tuple(Byline(a.name, a.get_absolute_url()) for a in article.authors.all()),
        credit=article.credit,
        disclaimer=article.disclaimer,
    )


def cards(queryset) -> list[ArticleCard]:
    """Cards for every article in the queryset, in its order."""
    return [card_for(article) for article in card_queryset(queryset)]
