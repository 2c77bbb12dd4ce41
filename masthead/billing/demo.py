"""The reference offer's three plans, seeded for the demo."""

from __future__ import annotations

REFERENCE_PLANS = [
    # code, name, price in paise, term in months, highlight
    ("smart-quarterly", "Smart Quarterly", 90000, 3, ""),
    ("smart-essential", "Smart Essential", 270000, 12, "Most popular"),
    ("super-saver", "Super Saver", 390000, 24, "Best value"),
]

BENEFITS = "\n".join(
    [
        "30+ premium stories a day, handpicked by our editors",
        "Complimentary access to our partner publication",
        "The ePaper: a page-by-page replica of the daily print edition",
        "Curated newsletters",
        "Market analysis and investment ideas",
        "The archive back to 1997",
        "Ad-free reading",
        "Seamless access across all devices, web or app",
    ]
)


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
