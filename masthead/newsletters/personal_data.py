"""A reader's newsletter data: export and erasure (DPDP Act / GDPR).

Found by account and by the account's address (a reader may have joined by e-mail
before signing up). Erasure deletes the sign-ups with their consent records, and
replaces the address on past deliveries with one that names no one (the counts of an issue stay right). A suppression (a hard bounce or a complaint
about the address) is kept: it is what stops anything being sent there again.
"""

from __future__ import annotations

from django.db.models import Q

from masthead.newsletters.models import Consent, Delivery, Signup, Suppression


def _when(value):
    return value.isoformat() if value else None


def _signups(user):
    email = (user.email or "").strip()
    query = Q(user=user)
    if email:
        query |= Q(email__iexact=email)
    return Signup.objects.filter(query).select_related("newsletter")


def export(user) -> dict:
    """Every list the reader is or was on, each consent given or withdrawn, and what was sent."""
    signups = list(_signups(user).order_by("pk"))
    return {
        "signups": [
            {
                "newsletter": s.newsletter.name,
                "email": s.email,
                "status": s.status,
                "asked_at": _when(s.created_at),
                "confirmed_at": _when(s.confirmed_at),
                "left_at": _when(s.left_at),
                "consents": [
                    {"action": c.action, "at": _when(c.at), "source": c.source, "wording": c.wording}
                    for c in Consent.objects.filter(signup=s).order_by("at", "pk")
                ],
            }
            for s in signups
        ],
        "issues_received": [
            {"issue": d.issue.subject, "newsletter": d.issue.newsletter.name, "status": d.status, "sent_at": _when(d.sent_at)}
            for d in Delivery.objects.filter(signup__in=signups).select_related("issue__newsletter").order_by("pk")
        ],
        "suppressed": [
            {"email": x.email, "reason": x.reason, "at": _when(x.at)}
            for x in Suppression.objects.filter(email__iexact=user.email or "-")
        ],
    }


def erase(user) -> None:
    """Stop every newsletter and forget the address (consents go with their sign-ups)."""
    signups = _signups(user)
    for delivery_id in Delivery.objects.filter(signup__in=signups).values_list("pk", flat=True):
        # An address per row that names no one keeps (issue, address) unique.
        Delivery.objects.filter(pk=delivery_id).update(email=f"erased-{delivery_id}@erased.invalid", signup=None)
    signups.delete()
