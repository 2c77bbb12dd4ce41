"""How plans are shown to readers, the same everywhere (paywall, /subscribe, e-mails)."""

from __future__ import annotations

from dataclasses import dataclass

from masthead.access.benefits import offer_lines
from masthead.core.money import format_money

RENEWAL_LINE = "Renews automatically, cancel anytime"


def term_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return "1 year" if years == 1 else f"{years} years"
    return "1 month" if months == 1 else f"{months} months"


def per_month_minor(price: int, months: int, unit: int = 100) -> int:
    """The monthly equivalent, rounded down to a whole major unit: 3,900/24 -> 162."""
    return (price // months) // unit * unit


@dataclass(frozen=True)
class PlanOffer:
    code: str
    name: str
    price: str          # "₹2,700"
    term: str           # "1 year"
    per_month: str      # "₹225/Month"
    benefits: tuple[str, ...]   # the offer copy, one line per benefit (access.benefits)
    highlight: str
    grants: frozenset = frozenset()  # the benefits themselves (the paywall offers plans carrying the one needed)
    renewal: str = RENEWAL_LINE


def offer_for(plan, locale: str = "en_IN") -> PlanOffer:
    return PlanOffer(
        code=plan.code,
        name=plan.name,
        price=format_money(plan.price, plan.currency, locale=locale, whole=True),
        term=term_label(plan.term_months),
        per_month=format_money(per_month_minor(plan.price, plan.term_months), plan.currency, locale=locale, whole=True)
        + "/Month",
        benefits=offer_lines(plan.benefit_set()),
        highlight=plan.highlight,
        grants=plan.benefit_set(),
    )


def visible_offers(locale: str = "en_IN") -> list[PlanOffer]:
    from masthead.billing.models import Plan

    return [offer_for(plan, locale) for plan in Plan.objects.filter(is_visible=True, is_active=True)]
