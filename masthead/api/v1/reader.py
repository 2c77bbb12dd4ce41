"""/api/v1/me and /api/v1/tokens: the signed-in reader, their devices, saved stories and history.

Every operation here needs an app token (`Authorization: Bearer <token>`, from the sign-in
under /api/v1/auth/); a missing, unknown or revoked token gets 401. Answers are private.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils.module_loading import import_string
from ninja import Query, Router
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from masthead.access import benefits as registry
from masthead.access.benefits import Benefit
from masthead.access.decision import ReaderFacts, meter_limit_for
from masthead.access.entitlements import for_request
from masthead.access.meter.base import get_store, remaining
from masthead.access.periods import period_key
from masthead.access.read import period_phrase
from masthead.access.rules import current_rules
from masthead.accounts import devices, tokens
from masthead.accounts.models import Device
from masthead.api import actions
from masthead.api.auth import bearer_token
from masthead.api.models import ReadingHistory, SavedStory
from masthead.api.v1 import listing, offers, schemas
from masthead.api.v1.content import PageQuery
from masthead.api.v1.conventions import answers, encode_cursor, respond
from masthead.billing import actions as billing
from masthead.content.cards import cards
from masthead.content.models import Article
from masthead.content.publication import current_publication
from masthead.core import clock

PAGE_SIZE = 20


class AppToken(HttpBearer):
    """An app token from the sign-in (`meta.session_token`), sent as a bearer token."""

    openapi_description = "The `session_token` the sign-in under /api/v1/auth/ returned."

    def authenticate(self, request, token):
        user = import_string(settings.MASTHEAD_API_TOKEN_USER)(request, token)
        if user is not None and user.is_authenticated:
            request._masthead_api_token = token
            return user
        return None


router = Router(tags=["Reader"], auth=AppToken())


def _device(device: Device, current_key: str | None) -> dict:
    return {"id": device.pk, "name": device.name, "kind": device.kind, "location": device.location,
            "first_seen": device.first_seen, "last_seen": device.last_seen,
            "current": device.session_key == current_key}


def _devices(request) -> list[dict]:
    current = tokens.session_key_for(request._masthead_api_token)
    return [_device(d, current) for d in devices.live_devices(request.auth)]


def _meter(request, user, benefits) -> dict | None:
    if Benefit.PREMIUM in benefits or Benefit.METERED in benefits:
        return None  # every metered story opens without counting
    rules = current_rules()
    key = f"u:{user.pk}"
    limit = meter_limit_for(ReaderFacts(key, is_authenticated=True), rules)
    used = get_store().used(key, period_key(clock.now(), rules.period, current_publication().zone))
    left = remaining(limit, used)
    noun = "article" if left == 1 else "articles"
    return {"used": used, "remaining": left, "limit": limit,
            "notice": f"{left} free {noun} left {period_phrase(rules)}."}


def _subscription(user) -> dict | None:
    sub = billing.current_subscription(user)
    if sub is None:
        return None
    return {
        "reference": sub.reference, "plan_code": sub.plan.code, "plan_name": sub.plan.name,
        "state": sub.state, "state_label": sub.get_state_display(), "renews": sub.renews,
        "renews_at": sub.current_period_end if sub.renews else None, "access_until": sub.access_until,
        "manage_url": listing.base_url() + "/accounts/subscription/",
    }


@router.get("/me", response=answers(schemas.Me, 401), summary="The signed-in reader")
def me(request):
    user = request.auth
    benefits = for_request(request, user)
    return respond(request, {
        "id": user.pk,
        "email": user.email,
        "benefits": [{"code": b.value, "label": b.label} for b in registry.in_order(benefits)],
        "subscription": _subscription(user),
        "meter": _meter(request, user, benefits),
        "devices": _devices(request),
        "device_limit": settings.MASTHEAD_DEVICE_LIMIT,
        "subscribe_url": offers.subscribe_url(),
        "account_url": listing.base_url() + "/accounts/",
    }, private=True)


@router.get("/me/devices", response=answers(schemas.DeviceList, 401), summary="Devices signed in")
def device_list(request):
    return respond(request, {"results": _devices(request), "device_limit": settings.MASTHEAD_DEVICE_LIMIT},
                   private=True)


@router.delete("/me/devices/{device_id}", response=answers(schemas.Done, 401, 404, etag=False),
               summary="Sign a device out (this one included)")
def sign_out_device(request, device_id: int):
    device = Device.objects.filter(pk=device_id, user=request.auth).first() if 0 < device_id < 2**63 else None
    if device is None:
        raise Http404("No such device.")
    devices.sign_out(device)
    return respond(request, {"detail": f"Signed out {device.name}."}, private=True, no_store=True)


# --- saved stories and history ------------------------------------------------------------------

def _keyset(queryset, field: str, cursor: str | None, entry) -> dict:
    """A page of the reader's rows, newest first, after `cursor` (time, id); live stories only."""
    found = queryset.filter(article__in=listing.live()).order_by(f"-{field}", "-id")
    position = listing.after(cursor)
    if position is not None:
        moment, pk = position
        found = found.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": pk}))
    rows = list(found[: PAGE_SIZE + 1])
    shown = rows[:PAGE_SIZE]
    by_id = {c.id: c for c in cards(Article.objects.filter(pk__in=[r.article_id for r in shown]))}
    base = listing.base_url()
    results = [entry(r, listing.summary(by_id[r.article_id], base)) for r in shown if r.article_id in by_id]
    last = shown[-1] if shown else None
    more = len(rows) > PAGE_SIZE and last is not None
    return {"results": results, "next_cursor": encode_cursor(getattr(last, field), last.id) if more else None}


def _live_article(article_id: int) -> Article:
    found = listing.live().filter(pk=article_id).first() if 0 < article_id < 2**63 else None
    if found is None:
        raise Http404("No such story.")
    return found


@router.get("/me/saved", response=answers(schemas.SavedPage, 401), summary="Saved stories, newest first")
def saved(request, query: Query[PageQuery]):
    page = _keyset(SavedStory.objects.filter(user=request.auth), "saved_at", query.cursor,
                   lambda row, article: {"saved_at": row.saved_at, "article": article})
    return respond(request, page, private=True)


@router.put("/me/saved/{article_id}", response=answers(schemas.SavedStory, 401, 404, etag=False),
            summary="Save a story (saving it again changes nothing)")
def save(request, article_id: int):
    article = _live_article(article_id)
    row, _ = actions.save_story(request.auth, article.pk)
    card = cards(Article.objects.filter(pk=article.pk))[0]
    return respond(request, {"saved_at": row.saved_at, "article": listing.summary(card, listing.base_url())},
                   private=True, no_store=True)


@router.delete("/me/saved/{article_id}", response=answers(schemas.Done, 401, 404, etag=False),
               summary="Forget a saved story")
def unsave(request, article_id: int):
    if not (0 < article_id < 2**63) or not actions.unsave_story(request.auth, article_id):
        raise Http404("That story is not saved.")
    return respond(request, {"detail": "Forgotten."}, private=True, no_store=True)


@router.get("/me/history", response=answers(schemas.HistoryPage, 401),
            summary="Stories read in full in the apps, latest first")
def history(request, query: Query[PageQuery]):
    page = _keyset(ReadingHistory.objects.filter(user=request.auth), "read_at", query.cursor,
                   lambda row, article: {"read_at": row.read_at, "article": article})
    return respond(request, page, private=True)


@router.delete("/me/history", response=answers(schemas.Done, 401, etag=False), summary="Clear the reading history")
def clear_history(request):
    gone = actions.clear_history(request.auth)
    return respond(request, {"detail": f"Forgot {gone} stories."}, private=True, no_store=True)


# --- app tokens ---------------------------------------------------------------------------------

tokens_router = Router(tags=["Sign-in"], auth=AppToken())


@tokens_router.post("/refresh", response=answers(schemas.Token, 401, etag=False),
                    summary="Swap this app token for a new one on the same device")
def refresh(request):
    new = tokens.refresh(bearer_token(request) or "")
    if new is None:  # a concurrent refresh or sign-out ended it meanwhile
        raise AuthenticationError(message="The token has ended: sign in again.")
    return respond(request, {"token": new}, private=True, no_store=True)


@tokens_router.delete("/current", response=answers(schemas.Done, 401, etag=False),
                      summary="Revoke this app token: sign this device out")
def revoke(request):
    tokens.revoke(bearer_token(request) or "")
    return respond(request, {"detail": "Signed out."}, private=True, no_store=True)
