"""Demo ad slots: house advertisements with no external URLs."""

from __future__ import annotations

SLOTS = [
    # name, width, height, headline
    ("top", 728, 90, "Advertise with us: reach readers across India"),
    ("article", 300, 250, "Your brand here: ask about article placements"),
    ("sidebar", 300, 600, "Read without ads: subscribe today"),
    ("footer", 728, 90, "Partner with our newsroom"),
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
