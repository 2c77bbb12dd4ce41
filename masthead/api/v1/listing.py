"""Stories as the API lists them: cards (never bodies) turned into summaries, a page at a time.

The lists come from content's listings (the front page, the archive, search) and, for the
paged lists, a keyset over the same live stories: the cursor is the last story shown
(published_at, id), so a story published meanwhile never shifts the next page. A public
answer is kept encoded under the content version (and the rules'), like every listing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from masthead.api.v1.conventions import BadCursor, decode_cursor, encode, encode_cursor, respond
from masthead.content import listings
from masthead.content.access_rule import shown_access
from masthead.content.cards import ArticleCard, cards
from masthead.content.freshness import remember
from masthead.content.models import Article
from masthead.content.publication import current_publication
from masthead.content.rendering import public_url
from masthead.core import cache

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


def after(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The (time, id) position a cursor names, None for the first page; BadCursor if forged."""
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


def page(queryset, cursor: str | None, *, size: int = PAGE_SIZE) -> dict:
    """One page of the queryset's live stories after `cursor`, newest first: an ArticlePage."""
    position = after(cursor)
    found = queryset.order_by("-published_at", "-pk")
    if position is not None:
        moment, pk = position
        found = found.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    ids = list(found.values_list("pk", flat=True)[: size + 1])
    shown = ids[:size]
    by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=shown))}
    in_order = [by_id[i] for i in shown if i in by_id]
    more = len(ids) > size and in_order
    return {"results": summaries(in_order),
            "next_cursor": encode_cursor(in_order[-1].published_at, in_order[-1].id) if more else None}


def public(request, name: str, build):
    """A public answer (the same for every reader), encoded once and kept with the content.

    Its access badges follow the rules, so the key carries the rules' version too: a change
    of either is seen at once. The request then costs one cache lookup and no serialising.
    """
    key = f"api:answer:{name}:{cache.version('rules')}"
    return respond(request, None, private=False, encoded=remember(key, lambda: encode(build())))


def live():
    return listings.live()


def find(query: str) -> list[ArticleCard]:
    """Search: the one call to the site's full-text search (cards only: the API quotes no snippet)."""
    return listings.search(query)
