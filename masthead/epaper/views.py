"""The ePaper's reader pages: the viewer, the calendar, search, page images and the PDF.

Every view decides through access.read.read_benefit(Benefit.EPAPER). A reader without the
benefit sees the edition's front-page thumbnail and the paywall, and nothing else: no page
image address, no page text, no search snippet. Page images go out only by signed,
reader-bound, expiring addresses (epaper.images). Every response here is private.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from masthead.access.benefits import Benefit
from masthead.access.read import read_benefit
from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.epaper import actions, files, images, processing, stamp
from masthead.epaper.models import Edition, Page, SavedPage

SEARCH_RESULTS = 50
SNIPPET = 90  # characters either side of the first match
IMAGE_BLOCK = 256 * 1024


def private(response, *, seconds: int = 0):
    """No shared cache keeps an ePaper response; the browser may keep an image briefly."""
    if seconds:
        patch_cache_control(response, private=True, max_age=seconds)
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    return response


def _published():
    return Edition.objects.filter(state=Edition.State.PUBLISHED)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such date") from None


def _edition(date: str, slug: str) -> Edition:
    return get_object_or_404(_published(), date=_date(date), slug=slug)


def _today() -> dt.date:
    return current_publication().local(clock.now()).date()


# --- the viewer --------------------------------------------------------------------------------

def latest(request):
    """/epaper/: the newest published edition (today's, once it is in)."""
    edition = _published().filter(date__lte=_today()).order_by("-date", "name").first()
    if edition is None:
        return private(render(request, "epaper/none.html", {"month": _today()}))
    return private(HttpResponseRedirect(edition.get_absolute_url()))


def day(request, date: str):
    """/epaper/<date>/: that day's editions (straight to it when there is one)."""
    editions = list(_published().filter(date=_date(date)).order_by("name"))
    if not editions:
        raise Http404("No edition that day")
    if len(editions) == 1:
        return private(HttpResponseRedirect(editions[0].get_absolute_url()))
    return private(render(request, "epaper/day.html", {"date": editions[0].date, "editions": editions}))


def spread(number: int, count: int) -> list[int]:
    """The pages shown side by side on a wide screen: the front page alone, then 2-3, 4-5..."""
    if number == 1:
        return [1]
    left = number if number % 2 == 0 else number - 1
    return [n for n in (left, left + 1) if n <= count]


def viewer(request, date: str, slug: str, number: int = 1, zoom: bool = False):
    """One page of an edition (two on wide screens), its thumbnails, and what to do with it."""
    edition = _edition(date, slug)
    pages = list(edition.pages.all())
    if "page" in request.GET:  # the no-JS "jump to page" form
        try:
            wanted = min(max(int(request.GET["page"]), 1), len(pages))
        except ValueError:
            wanted = number
        return private(HttpResponseRedirect(edition.page_url(wanted)))
    if not 1 <= number <= len(pages):
        raise Http404("No such page")
    page = pages[number - 1]
    access = read_benefit(request, Benefit.EPAPER)
    context = {"edition": edition, "number": number, "count": len(pages), "page": page,
               "editions_that_day": _published().filter(date=edition.date).exclude(pk=edition.pk)}
    if not access.granted:
        context.update(paywall=access.paywall, front_thumb=images.image_url(pages[0].thumb))
        return private(render(request, "epaper/paywall.html", context))
    user, reader = access.reader.user, access.reader
    shown = spread(number, len(pages))
    context.update(
        zoom=zoom,
        image=images.image_url(page.zoom if zoom else page.screen, reader),
        zoom_image=images.image_url(page.zoom, reader),
        facing=[(n, images.image_url(pages[n - 1].screen, reader)) for n in shown if n != number],
        facing_left=shown[0] != number,
        thumbs=[(p.number, images.image_url(p.thumb, reader)) for p in pages],
        previous=number - 1 if number > 1 else None,
        next=number + 1 if number < len(pages) else None,
        spread_previous=spread(shown[0] - 1, len(pages))[0] if shown[0] > 1 else None,
        spread_next=shown[-1] + 1 if shown[-1] < len(pages) else None,
        saved=user.is_authenticated and SavedPage.objects.filter(user=user, page=page).exists(),
        can_save=user.is_authenticated,
        download=settings.MASTHEAD_EPAPER_DOWNLOAD and user.is_authenticated,
        clips_per_day=settings.MASTHEAD_EPAPER_CLIPS_PER_DAY,
        screen_width=processing.SIZES["screen"], zoom_width=processing.SIZES["zoom"],
        thumb_width=processing.SIZES["thumb"],
    )
    return private(render(request, "epaper/viewer.html", context))


def zoomed(request, date: str, slug: str, number: int):
    """The page at its largest, for readers without JavaScript (JavaScript zooms in place)."""
    return viewer(request, date, slug, number, zoom=True)


def image(request, token: str):
    """A page image by its signed address: the signature, its age and the reader are checked."""
    try:
        name = images.open_token(token, request)
    except images.Refused as refused:
        return private(HttpResponse(str(refused), status=403, content_type="text/plain; charset=utf-8"))
    try:
        handle = files.storage().open(name, "rb")
    except (FileNotFoundError, SuspiciousOperation):
        raise Http404("That image is gone (the edition was processed again): reopen the page.") from None
    response = FileResponse(handle, content_type=processing.content_type(name))
    # The server has no file wrapper: each block is one trip through the WSGI iterator, so a
    # screen image (about 200 kB) goes in one block rather than fifty of Django's 4 kB.
    response.block_size = IMAGE_BLOCK
    return private(response, seconds=settings.MASTHEAD_EPAPER_IMAGE_SECONDS)


# --- the calendar and search -------------------------------------------------------------------

def _month(value: str | None) -> dt.date:
    if value and re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
        try:
            return dt.date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            pass
    return _today().replace(day=1)


def month(request):
    """/epaper/calendar/?month=2026-12: every day of the month, the days with editions linked."""
    first = _month(request.GET.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    last = weeks[-1][-1]
    dated = set(_published().filter(date__gte=weeks[0][0], date__lte=last).values_list("date", flat=True))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    span = _published().order_by("date").values_list("date", flat=True)
    earliest, newest = span.first(), span.last()
    context = {
        "first": first,
        "weeks": [[(d, d in dated, d.month == first.month) for d in week] for week in weeks],
        "day_names": [calendar.day_abbr[n] for n in range(7)],
        "previous": previous if earliest and previous >= earliest.replace(day=1) else None,
        "following": following if newest and following <= newest else None,
        "count": sum(1 for d in dated if d.month == first.month),
    }
    return private(render(request, "epaper/calendar.html", context))


def snippet(text: str, query: str) -> str:
    """The words around the first match (plain text; the template escapes it)."""
    found = text.lower().find(query.lower())
    if found < 0:
        return text[: SNIPPET * 2]
    start, end = max(0, found - SNIPPET), min(len(text), found + len(query) + SNIPPET)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search(request):
    """Text search within one edition (?edition=<date>/<slug>) or across every edition."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    scope = request.GET.get("edition", "")
    edition = None
    if scope:
        date, _, slug = scope.partition("/")
        edition = _edition(date, slug)
    access = read_benefit(request, Benefit.EPAPER)
    context = {"query": query, "edition": edition, "scope": scope, "results": [], "searched": len(query) >= 2}
    if not access.granted:
        context["paywall"] = access.paywall
        return private(render(request, "epaper/search.html", context))
    if context["searched"]:
        pages = Page.objects.filter(edition__state=Edition.State.PUBLISHED, text__icontains=query)
        if edition is not None:
            pages = pages.filter(edition=edition)
        pages = pages.select_related("edition").order_by("-edition__date", "edition__name", "number")
        context["results"] = [(p, snippet(p.text, query)) for p in pages[:SEARCH_RESULTS]]
        context["more"] = len(context["results"]) == SEARCH_RESULTS
    return private(render(request, "epaper/search.html", context))


# --- saving, clipping and the PDF --------------------------------------------------------------

def _granted_page(request, date: str, slug: str, number: int):
    edition = _edition(date, slug)
    page = get_object_or_404(Page, edition=edition, number=number)
    access = read_benefit(request, Benefit.EPAPER, next_url=page.get_absolute_url())
    return page, access


@require_POST
def save(request, date: str, slug: str, number: int):
    """Save the page to the reader's account (or, with remove=1, take it off)."""
    page, access = _granted_page(request, date, slug, number)
    if not access.granted or not request.user.is_authenticated:
        messages.error(request, "Saving pages comes with an ePaper subscription.")
        return private(HttpResponseRedirect(page.get_absolute_url()))
    if request.POST.get("remove"):
        actions.unsave_page(request.user, page)
        messages.success(request, f"Page {page.number} is no longer saved.")
    else:
        actions.save_page(request.user, page)
        messages.success(request, f"Page {page.number} saved to your account.")
    return private(HttpResponseRedirect(page.get_absolute_url()))


@require_POST
def clip(request, date: str, slug: str, number: int):
    """Share a rectangle of the page (percentages of its width and height) as a 7-day link."""
    page, access = _granted_page(request, date, slug, number)
    if not access.granted or not request.user.is_authenticated:
        messages.error(request, "Sharing clips comes with an ePaper subscription.")
        return private(HttpResponseRedirect(page.get_absolute_url()))
    fields = {}
    for name in ("left", "top", "width", "height"):
        try:
            fields[name] = float(request.POST.get(name, "")) / 100
        except ValueError:
            messages.error(request, f"The clip's {name} must be a number (a percentage of the page).")
            return private(HttpResponseRedirect(page.get_absolute_url()))
    try:
        made = actions.share_clip(request.user, page, **fields)
    except actions.ClipRefused as refused:
        messages.error(request, str(refused))
        return private(HttpResponseRedirect(page.get_absolute_url()))
    return private(HttpResponseRedirect(made.get_absolute_url() + "?shared=1"))


@require_GET
def download(request, date: str, slug: str):
    """The edition's PDF, stamped on every page with the subscriber's e-mail address."""
    edition = _edition(date, slug)
    access = read_benefit(request, Benefit.EPAPER, next_url=edition.get_absolute_url())
    if not settings.MASTHEAD_EPAPER_DOWNLOAD:
        raise Http404("The publisher does not offer the PDF")
    if not access.granted or not request.user.is_authenticated:
        return private(render(request, "epaper/paywall.html", {
            "edition": edition, "number": 1, "paywall": access.paywall, "count": edition.page_count,
            "front_thumb": images.image_url(edition.pages.get(number=1).thumb)}, status=403))
    stamped = stamp.stamped_pdf(files.read(edition.original), stamp.stamp_line(request.user, edition))
    response = HttpResponse(stamped, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-{edition.date.isoformat()}.pdf"'
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response
