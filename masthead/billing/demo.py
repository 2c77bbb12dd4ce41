"""The reference offer's three plans, seeded for the demo."""

from __future__ import annotations

from masthead.access.benefits import Benefit

REFERENCE_PLANS = [
    # code, name, price in paise, term in months, highlight
    ("smart-quarterly", "Smart Quarterly", 90000, 3, ""),
    ("smart-essential", "Smart Essential", 270000, 12, "Most popular"),
    ("super-saver", "Super Saver", 390000, 24, "Best value"),
]

# Every plan carries every benefit of the reference offer (access.benefits).
BENEFITS = [b.value for b in (Benefit.PREMIUM, Benefit.PARTNER, Benefit.EPAPER, Benefit.NEWSLETTERS, Benefit.MARKETS,
                              Benefit.ARCHIVE, Benefit.AD_FREE, Benefit.DEVICES)]


def seed_plans(progress=print) -> None:
    from masthead.billing.models import Plan

    for order, (code, name, price, months, highlight) in enumerate(REFERENCE_PLANS):
        Plan.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name, price=price, currency="INR", term_months=months, display_order=order,
                benefits=BENEFITS, highlight=highlight, is_visible=True, is_active=True,
            ),
        )
    progress(f"Plans: {len(REFERENCE_PLANS)} in the reference offer")
