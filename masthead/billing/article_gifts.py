"""Gift an article: a subscriber's signed link that lets anyone read one gated story for a week.

The link is the story's address with `?gift=<token>`; the token is signed (Django's
signing, salted) and names the gift row, which says which story, until when, and whether
the sender revoked it. Access opens the story through the one read path: billing registers
`grant()` as a read grant (access.read.register_read_grant) in its AppConfig.ready(), so
access never imports billing. A gifted read counts on nobody's meter.

A subscriber may make MASTHEAD_ARTICLE_GIFTS_PER_MONTH links per calendar month in the
publication's time zone; a revoked link still counts (revoking does not give one back).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import F

from masthead.billing.models import ArticleGift, Subscription
from masthead.billing.periods import publication_zone
from masthead.core import clock

SALT = "masthead.billing.article-gift"
DAYS = 7


class GiftRefused(Exception):
    """The reader cannot gift this story now; the message says why."""


def month_start(now: dt.datetime) -> dt.datetime:
    zone = publication_zone()
    local = now.astimezone(zone)
    return dt.datetime.combine(local.date().replace(day=1), dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)


def used_this_month(user, now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    return ArticleGift.objects.filter(sender=user, created_at__gte=month_start(now)).count()


def left_this_month(user, now: dt.datetime | None = None) -> int:
    return max(0, settings.MASTHEAD_ARTICLE_GIFTS_PER_MONTH - used_this_month(user, now))


def may_gift(user, now: dt.datetime | None = None) -> bool:
    """Subscribers gift stories: a subscription that opens its benefits now."""
    now = now or clock.now()
    return bool(getattr(user, "is_authenticated", False)) and Subscription.objects.granting(now).filter(user=user).exists()


def token_for(gift: ArticleGift) -> str:
    # No timestamp in the token: the row says until when it works (and the same gift always
    # has the same link).
    return signing.Signer(salt=SALT).sign_object({"g": gift.pk, "a": gift.article_id}, compress=True)


def link_for(gift: ArticleGift) -> str:
    """The address to share (relative; pages make it absolute)."""
    return f"{gift.article_url}?gift={token_for(gift)}"


def gift_article(user, facts, *, headline: str = "", now: dt.datetime | None = None) -> ArticleGift:
    """Make a gift link to one story (facts: content.rendering.ArticleFacts). GiftRefused
    when the reader is not a subscriber or has used this month's links."""
    now = now or clock.now()
    if not may_gift(user, now):
        raise GiftRefused("Gifting stories comes with a subscription.")
    with transaction.atomic():
        # One sender's gifts are counted under a lock on their row, so two clicks at once
        # cannot both take the last link of the month.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if used_this_month(user, now) >= settings.MASTHEAD_ARTICLE_GIFTS_PER_MONTH:
            raise GiftRefused(f"You have gifted {settings.MASTHEAD_ARTICLE_GIFTS_PER_MONTH} stories this month, "
                              "the most a month allows. You can gift more from the 1st.")
        return ArticleGift.objects.create(sender=user, article_id=facts.pk, article_url=facts.url,
                                          headline=headline[:300], created_at=now,
                                          expires_at=now + dt.timedelta(days=DAYS))


def revoke(gift: ArticleGift, user, *, now: dt.datetime | None = None) -> ArticleGift:
    """The sender withdraws a link: it opens nothing from now on."""
    if gift.sender_id != user.pk:
        raise GiftRefused("That gift link is not yours.")
    if gift.revoked_at is None:
        gift.revoked_at = now or clock.now()
        gift.save(update_fields=["revoked_at"])
    return gift


def grant(request, facts, now: dt.datetime) -> bool:
    """The read grant access asks: does this request carry a live gift link to this story?"""
    query = getattr(request, "GET", None)
    token = query.get("gift") if query is not None else None
    if not token:
        return False
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return False
    if not isinstance(data, dict) or data.get("a") != facts.pk:
        return False
    opened = ArticleGift.objects.filter(pk=data.get("g"), article_id=facts.pk, revoked_at__isnull=True,
                                        expires_at__gt=now).update(opens=F("opens") + 1)
    return opened == 1


def status(gift: ArticleGift, now: dt.datetime | None = None) -> str:
    now = now or clock.now()
    if gift.revoked_at is not None:
        return "revoked"
    return "expired" if gift.expires_at <= now else "open"
