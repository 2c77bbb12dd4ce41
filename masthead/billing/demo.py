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


# An introductory offer on each plan, and a retention offer (code, name, plan, terms).
DEMO_OFFERS = [
    ("WELCOME50", "Half price for your first quarter", "introductory", "smart-quarterly",
     dict(kind="percent", percent_off=50, periods=1)),
    ("ESSENTIAL700", "₹700 off your first year", "introductory", "smart-essential",
     dict(kind="fixed", amount_off=70000, periods=1)),
    ("SAVER14", "Two weeks free, then 10% off", "introductory", "super-saver",
     dict(kind="percent", percent_off=10, periods=1, trial_days=14)),
    ("STAY25", "Stay with us: 25% off your next two renewals", "retention", None,
     dict(kind="percent", percent_off=25, periods=2, new_subscribers_only=False, once_per_reader=True)),
]


def seed_offers(progress=print) -> None:
    """The demo's offers, each printed as `Offer code: CODE` with what it gives (idempotent)."""
    from masthead.billing.discounts import price_line, terms_of
    from masthead.billing.models import Offer, Plan

    for code, name, purpose, plan_code, terms in DEMO_OFFERS:
        offer, _ = Offer.objects.update_or_create(
            code=code, defaults=dict(name=name, purpose=purpose, is_active=True, **terms))
        plan = Plan.objects.get(code=plan_code) if plan_code else Plan.objects.get(code="smart-essential")
        if plan_code:
            offer.plans.set([plan])
        progress(f"Offer code: {code} ({name}: {price_line(plan.price, plan.term_months, terms_of(offer))}"
                 f"{' on ' + plan.name if plan_code else ', e.g. on ' + plan.name}; /subscribe/?offer={code})")
