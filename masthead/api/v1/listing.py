"""Stories as the API lists them: cards (never bodies) turned into summaries, a page at a time.

The lists come from content's listings (the front page, the archive, search) and, for the
paged lists, a keyset over the same live stories: the cursor is the last story shown
(published_at, id), so a story published meanwhile never shifts the next page. Pages of
cards are cached under the content version, like every listing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from masthead.api.v1.conventions import BadCursor, decode_cursor, encode_cursor
from masthead.content import listings
from masthead.content.access_rule import shown_access
from masthead.content.cards import ArticleCard, cards
from masthead.content.freshness import remember
from masthead.content.publication import current_publication
from masthead.content.rendering import public_url

PAGE_SIZE = 20


def base_url() -> str:
    """The address readers use, for the absolute links the apps open."""
    return public_url(current_publication())


def summary(card: ArticleCard, base: str) -> dict:
    """An ArticleSummary from a card (the access under today's rules)."""
    return {
        "id": card.id,
        "headline": card.headline,
        "standfirst": card.standfirst,
        "url": base + card.url,
        "section": {"slug": card.section_slug, "name": card.section_name},
        "access": shown_access(card.access, card.section_slug, card.section_is_premium, card.tag_slugs),
        "byline": card.byline,
        "authors": [{"name": a.name, "url": base + a.url} for a in card.authors],
        "is_wire": card.is_wire,
        "image_url": (base + card.image_url) if card.image_url.startswith("/") else card.image_url,
        "image_alt": card.image_alt,
        "published_at": card.published_at,
        "updated_at": card.updated_at,
    }


def summaries(found: list[ArticleCard]) -> list[dict]:
    base = base_url()
    return [summary(card, base) for card in found]


def _after(cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not cursor:
        return None
    published, pk = decode_cursor(cursor, 2)
    if not isinstance(published, str) or not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor("The cursor is not one this API gave out.")
    try:
        moment = dt.datetime.fromisoformat(published)
    except ValueError as exc:
        raise BadCursor("The cursor is not one this API gave out.") from exc
    if moment.tzinfo is None:
        raise BadCursor("The cursor is not one this API gave out.")
    return moment, pk


def page(name: str, queryset, cursor: str | None, *, size: int = PAGE_SIZE) -> dict:
    """One page of the queryset's live stories after `cursor`, newest first: an ArticlePage."""
    after = _after(cursor)

    def build() -> tuple[list[ArticleCard], str | None]:
        found = queryset.order_by("-published_at", "-pk")
        if after is not None:
            moment, pk = after
            found = found.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
        ids = list(found.values_list("pk", flat=True)[: size + 1])
        shown = ids[:size]
        from masthead.content.models import Article

        by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=shown))}
        in_order = [by_id[i] for i in shown if i in by_id]
        more = len(ids) > size and in_order
        return in_order, (encode_cursor(in_order[-1].published_at, in_order[-1].id) if more else None)

    found, next_cursor = remember(f"api:{name}:after:{cursor or ''}", build)
    return {"results": summaries(found), "next_cursor": next_cursor}


def live():
    return listings.live()


def find(query: str) -> list[ArticleCard]:
    """Search: the one call to the site's search (headlines and standfirsts, never bodies)."""
    return listings.search(query)
