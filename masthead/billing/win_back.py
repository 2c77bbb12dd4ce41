"""Win-back: e-mail lapsed subscribers an offer code to come back, once per offer and reader.

A lapsed subscriber had a paid (or imported) period that is over: their subscription
expired, or was cancelled and its paid period has ended, and nothing grants them the
plans' access now (no current subscription, no running gift). `lapsed_since` (days)
keeps only those whose access ended within that many days. Each send is recorded
(WinBackSend, unique per offer and reader) in the same transaction as the e-mail is
queued, so a rerun never writes to the same reader twice. A win-back offer is redeemable
only by a reader who has paid before and holds no current subscription
(redemptions.check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from masthead.billing.models import Gift, Offer, Subscription, WinBackSend
from masthead.billing.offer import offer_for
from masthead.billing.states import GRANTING_STATES, State
from masthead.core import clock
from masthead.core.db import is_unique_violation


class WinBackRefused(Exception):
    """The offer cannot be sent as a win-back offer; the message says why."""


@dataclass
class WinBackReport:
    lapsed: int = 0          # lapsed readers found (not sent this offer before)
    sent: int = 0
    skipped: int = 0         # sent meanwhile by another run
    emails: list[str] = field(default_factory=list)

    def as_line(self, dry_run: bool = False) -> str:
        if dry_run:
            return f"{self.lapsed} lapsed subscriber(s) would be sent the offer"
        return f"{self.sent} sent, {self.skipped} already sent"


def check_offer(offer: Offer | None, now: dt.datetime) -> Offer:
    if offer is None or not offer.is_active:
        raise WinBackRefused("No active offer with that code.")
    if offer.purpose != Offer.Purpose.WIN_BACK:
        raise WinBackRefused(f"{offer.code} is not a win-back offer (its purpose is {offer.get_purpose_display()}).")
    if offer.expires_at is not None and offer.expires_at <= now:
        raise WinBackRefused(f"{offer.code} has expired.")
    return offer


def lapsed_readers(offer: Offer, *, now: dt.datetime, lapsed_since: int | None = None) -> list:
    """Active readers with an e-mail whose subscription access is over and who hold none now,
    not yet sent this offer; oldest account first."""
    ended = (Subscription.objects.filter(user__isnull=False, current_period_end__isnull=False)
             .filter(Q(state=State.EXPIRED.value) | Q(state=State.CANCELLED.value, access_until__lte=now)))
    if lapsed_since is not None:
        since = now - dt.timedelta(days=lapsed_since)
        ended = ended.filter(Q(ended_at__gte=since) | Q(ended_at__isnull=True, access_until__gte=since))
    current = Subscription.objects.filter(
        Q(state__in=[s.value for s in GRANTING_STATES], access_until__gt=now)
        | Q(state__in=[State.ACTIVE.value, State.TRIALING.value, State.PAST_DUE.value])
    ).values("user_id")
    gifted = Gift.objects.filter(state=Gift.State.REDEEMED, access_until__gt=now).values("redeemed_by_id")
    sent = WinBackSend.objects.filter(offer=offer).values("user_id")
    users = (get_user_model().objects.filter(is_active=True, pk__in=ended.values("user_id"))
             .exclude(email="").exclude(pk__in=current).exclude(pk__in=gifted).exclude(pk__in=sent)
             .annotate(last_access=Max("subscriptions__access_until")).order_by("pk"))
    return list(users)


def _send(offer: Offer, user, now: dt.datetime) -> bool:
    """Record and queue one e-mail; False when another run recorded it first."""
    from masthead.content.publication import current_publication, reply_to, sender

    try:
        with transaction.atomic():
            WinBackSend.objects.create(offer=offer, user=user, sent_at=now)
            publication = current_publication()
            last = user.subscriptions.exclude(state=State.PENDING.value).select_related("plan").first()
            plan = last.plan if last else None
            link = (settings.MASTHEAD_PUBLIC_URL.rstrip("/") + reverse("billing:subscribe") + "?"
                    + urlencode({"offer": offer.code}))
            body = render_to_string("billing/email/win_back.txt", {
                "publication": publication, "user": user, "offer": offer, "link": link, "plan": plan,
                "offer_line": offer_for(plan, offer=offer).offer_line if plan else "",
            })
            message = EmailMessage(f"Come back to {publication.name}: {offer.name}", body, sender(), [user.email],
                                   reply_to=reply_to())
            transaction.on_commit(message.send)
    except IntegrityError as exc:
        if is_unique_violation(exc):
            return False
        raise
    return True


def send_win_back(offer: Offer, *, lapsed_since: int | None = None, dry_run: bool = False,
                  progress=None, now: dt.datetime | None = None) -> WinBackReport:
    """E-mail the offer to every lapsed subscriber not sent it yet (nothing written on a dry run)."""
    now = now or clock.now()
    check_offer(offer, now)
    readers = lapsed_readers(offer, now=now, lapsed_since=lapsed_since)
    report = WinBackReport(lapsed=len(readers))
    for done, user in enumerate(readers, 1):
        report.emails.append(user.email)
        if not dry_run:
            if _send(offer, user, now):
                report.sent += 1
            else:
                report.skipped += 1
        if progress:
            progress(done, len(readers))
    return report
