"""/api/v1/epaper/editions: the printed paper's published editions, and one with its pages.

The list is the same for everyone (public for a minute). One edition is read through
access.read.read_benefit(Benefit.EPAPER), as the web viewer reads it: a reader holding the
ePaper gets each page's signed, expiring, reader-bound image addresses (epaper.images); anyone
else gets the edition's facts and the paywall, and no page image address or page text at all.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from ninja import Query, Router

from masthead.access.benefits import Benefit
from masthead.access.read import read_benefit
from masthead.access.rules import current_rules
from masthead.api.auth import api_reader
from masthead.api.v1 import listing, offers, schemas
from masthead.api.v1.content import PageQuery
from masthead.api.v1.conventions import BadCursor, answers, decode_cursor, encode_cursor, respond
from masthead.epaper import images
from masthead.epaper.models import Edition

router = Router(tags=["ePaper"])

PAGE_SIZE = 20


def _published():
    return Edition.objects.filter(state=Edition.State.PUBLISHED)


def _edition(edition: Edition, base: str) -> dict:
    return {"id": edition.pk, "date": edition.date, "name": edition.name, "slug": edition.slug,
            "pages": edition.page_count, "url": base + edition.get_absolute_url()}


def _after(cursor: str | None) -> tuple[dt.date, int] | None:
    """The (date, id) of the last edition shown, None for the first page; BadCursor if forged."""
    if not cursor:
        return None
    day, pk = decode_cursor(cursor, 2)
    if not isinstance(day, str) or not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor("The cursor is not one this API gave out.")
    try:
        return dt.date.fromisoformat(day), pk
    except ValueError as exc:
        raise BadCursor("The cursor is not one this API gave out.") from exc


@router.get("/epaper/editions", response=answers(schemas.EditionPage),
            summary="Published editions of the printed paper, newest first")
def edition_list(request, query: Query[PageQuery]):
    position = _after(query.cursor)
    found = _published().order_by("-date", "-pk")
    if position is not None:
        day, pk = position
        found = found.filter(Q(date__lt=day) | Q(date=day, pk__lt=pk))
    rows = list(found[: PAGE_SIZE + 1])
    shown = rows[:PAGE_SIZE]
    more = len(rows) > PAGE_SIZE
    base = listing.base_url()
    return respond(request, {
        "results": [_edition(e, base) for e in shown],
        "next_cursor": encode_cursor(shown[-1].date.isoformat(), shown[-1].pk) if more else None,
    }, private=False)


@router.get("/epaper/editions/{edition_id}", response=answers(schemas.EditionDetail, 404),
            summary="One edition: its pages' images for a reader with the ePaper, else the paywall")
def edition(request, edition_id: int):
    found = _published().filter(pk=edition_id).first() if 0 < edition_id < 2**63 else None
    if found is None:
        raise Http404("No such edition.")
    base = listing.base_url()
    web_path = found.get_absolute_url()
    access = read_benefit(request, Benefit.EPAPER, reader=api_reader(request, current_rules()), next_url=web_path)
    data = _edition(found, base)
    data["granted"] = access.granted
    data["images_expire_in"] = settings.MASTHEAD_EPAPER_IMAGE_SECONDS
    if access.granted:
        reader = access.reader

        def signed(name: str) -> str:
            return base + images.image_url(name, reader)

        data["page_images"] = [
            {"number": p.number, "width": p.width, "height": p.height, "thumbnail_url": signed(p.thumb),
             "screen_url": signed(p.screen), "zoom_url": signed(p.zoom)}
            for p in found.pages.defer("text").order_by("number")
        ]
        data["paywall"] = None
    else:
        # The facts and the paywall only: no page, so no image address and no page text.
        data["page_images"] = None
        paywall = offers.paywall_of(access.paywall, web_path)
        paywall["title"] = access.paywall.message
        data["paywall"] = paywall
    # The addresses are made for this reader and expire: nothing keeps the answer.
    return respond(request, data, private=True, no_store=True)
