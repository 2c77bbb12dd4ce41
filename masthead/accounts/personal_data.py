"""A reader's personal data held by this app: export and erasure (DPDP Act / GDPR)."""

from __future__ import annotations


def _when(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    """The account, its e-mail addresses, devices, grants, group seats and partner code."""
    from allauth.account.models import EmailAddress

    from masthead.accounts.models import ComplimentaryGrant, Device, OrganisationMember, PartnerCode

    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "devices": [
            {
                "name": d.name,
                "kind": d.kind,
                "user_agent": d.user_agent,
                "location": d.location,
                "first_seen": _when(d.first_seen),
                "last_seen": _when(d.last_seen),
            }
            for d in Device.objects.filter(user=user).order_by("first_seen", "id")
        ],
        "complimentary_access": [
            {
                "benefits": "all" if g.all_benefits else sorted(g.benefits),
                "reason": g.reason,
                "starts_at": _when(g.starts_at),
                "ends_at": _when(g.ends_at),
            }
            for g in ComplimentaryGrant.objects.filter(user=user).order_by("starts_at", "id")
        ],
        "group_access": [
            {"organisation": m.organisation.name, "email": m.email, "status": m.status, "since": _when(m.joined_at)}
            for m in OrganisationMember.objects.filter(user=user).select_related("organisation").order_by("id")
        ],
        "partner_codes": [
            {"partner": c.partner, "code": c.code, "expires_on": c.expires_on.isoformat(), "claimed_at": _when(c.claimed_at)}
            for c in PartnerCode.objects.filter(claimed_by=user)
        ],
    }


def erase(user) -> None:
    """Sign out every device and drop addresses, grants and seats.

    A claimed partner code stays claimed (the partner activated it; handing it to
    someone else would give two people one code) but points at the anonymised account.
    """
    from allauth.account.models import EmailAddress

    from masthead.accounts import devices
    from masthead.accounts.models import ComplimentaryGrant, Device, OrganisationMember

    for device in Device.objects.filter(user=user):
        devices.sign_out(device)
    EmailAddress.objects.filter(user=user).delete()
    ComplimentaryGrant.objects.filter(user=user).delete()
    OrganisationMember.objects.filter(user=user).delete()
