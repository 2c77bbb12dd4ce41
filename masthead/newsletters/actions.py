"""Every change to who receives which newsletter goes through these actions.

Each runs in a transaction and records the consent given or withdrawn (time, source and
the words shown); e-mails start only once the change is committed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from masthead.access.benefits import Benefit
from masthead.content.publication import current_publication, reply_to, sender
from masthead.core import clock
from masthead.newsletters import tokens
from masthead.newsletters.models import Consent, NewsletterList, Signup, Suppression

# Where consent was given or withdrawn (Consent.source).
SOURCE_PAGE = "newsletters page"
SOURCE_ACCOUNT = "account preferences"
SOURCE_EMAIL_LINK = "confirmation e-mail"
SOURCE_ONE_CLICK = "unsubscribe link"
SOURCE_ERASURE = "account deleted"
SOURCE_APP = "app"  # the apps, through /api/v1/me/newsletters


class NotAllowed(Exception):
    """The reader may not join this list (a subscriber-only list without the benefit)."""


def join_wording(newsletter: NewsletterList) -> str:
    """The words a reader agrees to when joining; shown beside the button and kept with the consent."""
    how_often = {"daily": "every day", "weekly": "every week"}.get(newsletter.cadence, "when the editors send an issue")
    return (f"Send me {newsletter.name} by e-mail {how_often}. I can unsubscribe at any time "
            f"with one click from any issue or from my account.")


def public_link(path: str) -> str:
    """An address for e-mails: the publication's public URL (MASTHEAD_PUBLIC_URL by default)."""
    base = (current_publication().public_url or settings.MASTHEAD_PUBLIC_URL).rstrip("/")
    return base + path


def _consent(signup: Signup, action: str, source: str, wording: str = "") -> Consent:
    return Consent.objects.create(signup=signup, action=action, at=clock.now(), source=source, wording=wording)


def _signup_for(newsletter: NewsletterList, email: str) -> Signup:
    """The list's row for an address, created pending when there is none (races end in one row)."""
    existing = Signup.objects.select_for_update().filter(newsletter=newsletter, email=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Signup.objects.create(newsletter=newsletter, email=email, created_at=clock.now())
    except IntegrityError:
        return Signup.objects.select_for_update().get(newsletter=newsletter, email=email)


def normalise(email: str) -> str:
    """One spelling per address: the domain is case-insensitive, the local part kept as typed."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def ask_to_join(newsletter: NewsletterList, email: str, *, source: str = SOURCE_PAGE) -> Signup:
    """Double opt-in for an address: record the request and e-mail a signed confirmation link.

    An address already receiving the list is sent nothing (the page answers the same
    either way, so it cannot tell anyone who is on a list).
    """
    if newsletter.for_subscribers:
        raise NotAllowed("This newsletter comes with a subscription.")
    email = normalise(email)
    with transaction.atomic():
        signup = _signup_for(newsletter, email)
        if signup.status == Signup.Status.CONFIRMED:
            return signup
        if signup.status == Signup.Status.LEFT:
            signup.status = Signup.Status.PENDING
            signup.save(update_fields=["status"])
        _consent(signup, Consent.Action.ASKED, source, join_wording(newsletter))
        transaction.on_commit(lambda: send_confirmation(signup))
    return signup


def send_confirmation(signup: Signup) -> None:
    """The double opt-in e-mail, with the signed link (valid for tokens.CONFIRM_MAX_AGE)."""
    publication = current_publication()
    context = {
        "publication": publication,
        "newsletter": signup.newsletter,
        "confirm_url": public_link(f"/newsletters/confirm/{tokens.confirmation_token(signup)}/"),
        "days": tokens.CONFIRM_MAX_AGE.days,
    }
    message = EmailMultiAlternatives(
        f"Confirm your subscription to {signup.newsletter.name}",
        render_to_string("newsletters/email/confirm.txt", context),
        sender(), [signup.email], reply_to=reply_to(),
    )
    message.send()


def confirm(token: str) -> Signup:
    """Confirm a sign-up from its e-mailed link. Raises tokens.BadLink (forged or expired)."""
    signup_id, email = tokens.read_confirmation(token)
    with transaction.atomic():
        signup = Signup.objects.select_for_update().filter(pk=signup_id, email=email).first()
        if signup is None:
            raise tokens.BadLink("This sign-up no longer exists.")
        if signup.status != Signup.Status.CONFIRMED:
            signup.status = Signup.Status.CONFIRMED
            signup.confirmed_at = clock.now()
            signup.save(update_fields=["status", "confirmed_at"])
            _consent(signup, Consent.Action.CONFIRMED, SOURCE_EMAIL_LINK, join_wording(signup.newsletter))
    return signup


def join(newsletter: NewsletterList, user, *, benefits=frozenset(), source: str = SOURCE_ACCOUNT) -> Signup:
    """A signed-in reader joins in one click: their address is verified at sign-up, so no
    confirmation e-mail. A subscriber-only list needs the newsletters benefit."""
    if newsletter.for_subscribers and Benefit.NEWSLETTERS not in benefits:
        raise NotAllowed("This newsletter comes with a subscription.")
    email = normalise(user.email)
    with transaction.atomic():
        signup = _signup_for(newsletter, email)
        if signup.user_id != user.pk:
            signup.user = user
            signup.save(update_fields=["user"])
        if signup.status != Signup.Status.CONFIRMED:
            signup.status = Signup.Status.CONFIRMED
            signup.confirmed_at = clock.now()
            signup.save(update_fields=["status", "confirmed_at"])
            _consent(signup, Consent.Action.CONFIRMED, source, join_wording(newsletter))
    return signup


def leave(signup: Signup, *, source: str) -> Signup:
    """Stop sending this list to this address (recorded as consent withdrawn)."""
    with transaction.atomic():
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.status != Signup.Status.LEFT:
            signup.status = Signup.Status.LEFT
            signup.left_at = clock.now()
            signup.save(update_fields=["status", "left_at"])
            _consent(signup, Consent.Action.WITHDRAWN, source)
    return signup


def leave_by_link(token: str) -> Signup:
    """The one-click unsubscribe (RFC 8058): no login, the signed link is the proof."""
    signup_id, email = tokens.read_leave(token)
    signup = Signup.objects.filter(pk=signup_id, email=email).first()
    if signup is None:
        raise tokens.BadLink("This sign-up no longer exists.")
    return leave(signup, source=SOURCE_ONE_CLICK)


def suppress(email: str, reason: str, detail: str = "") -> bool:
    """Never send to this address again (hard bounce, complaint). True when newly suppressed."""
    email = normalise(email)
    if not email or "@" not in email:
        return False
    with transaction.atomic():
        _, created = Suppression.objects.get_or_create(
            email=email, defaults={"reason": reason, "at": clock.now(), "detail": detail[:300]})
    return created


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalise(email)).exists()
