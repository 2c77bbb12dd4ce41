"""The reader's ePaper on their account (saved pages, shared clips) and the public clip page.

A clip's page and image answer anyone while the share is live (7 days, not revoked), and
show that rectangle only: never the page, its text or an address of any page image.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from masthead.access.benefits import Benefit
from masthead.access.read import read_benefit
from masthead.core import clock
from masthead.epaper import actions, files, images
from masthead.epaper.models import Clip, SavedPage
from masthead.epaper.views import private


@login_required
def saved(request):
    """/accounts/epaper/: saved pages (with thumbnails while the reader holds the ePaper) and clips."""
    access = read_benefit(request, Benefit.EPAPER)
    saved_pages = SavedPage.objects.filter(user=request.user).select_related("page__edition")
    listed = [(s, images.image_url(s.page.thumb, access.reader) if access.granted else None)
              for s in saved_pages.filter(page__edition__state="published")]
    now = clock.now()
    clips = [(c, c.is_live(now)) for c in Clip.objects.filter(user=request.user).select_related("page__edition")]
    return private(render(request, "epaper/account.html", {
        "saved": listed, "clips": clips, "granted": access.granted, "now": now}))


@login_required
@require_POST
def revoke(request, clip_id: int):
    clip = get_object_or_404(Clip, pk=clip_id, user=request.user)
    actions.revoke_clip(request.user, clip)
    messages.success(request, "The clip's link no longer opens.")
    return private(HttpResponseRedirect("/accounts/epaper/#clips"))


def _live_clip(token: str) -> Clip:
    clip = get_object_or_404(Clip.objects.select_related("page__edition"), token=token)
    return clip


def clip_page(request, token: str):
    """Anyone with the link: the clip and the publication's name, while the share is live."""
    clip = _live_clip(token)
    if not clip.is_live():
        return private(render(request, "epaper/clip_gone.html", {"clip": clip}, status=410))
    return private(render(request, "epaper/clip.html", {
        "clip": clip, "edition": clip.page.edition, "shared": request.GET.get("shared") == "1"
        and request.user.is_authenticated and request.user.pk == clip.user_id}))


def clip_image(request, token: str):
    clip = _live_clip(token)
    if not clip.is_live():
        raise Http404("This clip is no longer shared")
    try:
        handle = files.storage().open(clip.image, "rb")
    except FileNotFoundError:
        raise Http404("This clip's image is gone") from None
    # Kept briefly by the browser only: a revoked clip stops showing within a minute.
    return private(FileResponse(handle, content_type="image/webp"), seconds=60)
