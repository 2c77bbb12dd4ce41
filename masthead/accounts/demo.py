"""Demo ad slots: house advertisements with no external URLs."""

from __future__ import annotations

SLOTS = [
    # name (as the content templates place them), width, height, headline
    ("top", 728, 90, "Advertise with us: reach readers across India"),
    ("sidebar", 300, 600, "Read without ads: subscribe today"),
    ("article-top", 728, 90, "Your brand here: ask about article placements"),
    ("article-bottom", 300, 250, "Partner with our newsroom"),
]

MARKUP = (
    '<div class="house-ad" style="display:flex;align-items:center;justify-content:center;'
    "width:100%;height:{height}px;background:#f2efe9;border:1px solid #d5cfc4;color:#333;"
    'font:bold 1rem/1.3 sans-serif;text-align:center;padding:0 1rem;box-sizing:border-box">'
    '<a href="/subscribe/" style="color:inherit">{headline}</a></div>'
)


def seed_ads(progress=print) -> int:
    """Create (or leave alone) the demo ad slots; returns how many were created."""
    from masthead.accounts.models import AdSlot

    created = 0
    for name, width, height, headline in SLOTS:
        _, was_created = AdSlot.objects.get_or_create(
            name=name,
            defaults={"width": width, "height": height, "markup": MARKUP.format(height=height, headline=headline)},
        )
        created += was_created
    progress(f"Ad slots: {created} created, {len(SLOTS) - created} already there")
    return created


DEMO_ORGANISATION = "Demo University"
DEMO_DOMAIN = "university.demo.masthead.test"
DEMO_PARTNER = "The Partner Review"


def seed_group_access(progress=print) -> None:
    """A demo organisation: anyone verified at university.demo.masthead.test reads free."""
    from masthead.accounts.models import Organisation
    from masthead.core import clock

    _, created = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION,
        defaults={
            "email_domains": DEMO_DOMAIN,
            "seat_limit": 100,
            "all_benefits": True,
            "starts_at": clock.now(),
            "note": "Demo: sign up with any address at this domain and verify it.",
        },
    )
    progress(f"Group access: {DEMO_ORGANISATION} ({DEMO_DOMAIN}) {'created' if created else 'already there'}")


def seed_partner_codes(progress=print, count: int = 60) -> int:
    """A pool of demo partner codes valid for a year; tops the pool up to `count` unclaimed."""
    import datetime as dt
    import secrets

    from masthead.accounts.models import PartnerCode
    from masthead.core import clock

    free = PartnerCode.objects.filter(partner=DEMO_PARTNER, claimed_by__isnull=True).count()
    missing = max(0, count - free)
    now = clock.now()
    PartnerCode.objects.bulk_create(
        [
            PartnerCode(
                partner=DEMO_PARTNER,
                code=f"TPR-{secrets.token_hex(4).upper()}",
                expires_on=(now + dt.timedelta(days=365)).date(),
                uploaded_at=now,
            )
            for _ in range(missing)
        ]
    )
    progress(f"Partner codes: {missing} added ({free + missing} unclaimed for {DEMO_PARTNER})")
    return missing


def seed_accounts(progress=print) -> None:
    """Everything accounts adds to the demo: ad slots, a group, a partner code pool."""
    seed_ads(progress)
    seed_group_access(progress)
    seed_partner_codes(progress)
