"""How plans are shown to readers, the same everywhere (paywall, /subscribe, e-mails)."""

from __future__ import annotations

from dataclasses import dataclass

from urllib.parse import urlencode

from masthead.access.benefits import offer_lines
from masthead.billing.discounts import first_charge, price_line, terms_of
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
    # With an offer code: its code, what is paid first ("₹450", "Free") and the whole
    # price in the reference wording ("₹450 for the first 3 months, then ₹900 every 3 months").
    offer_code: str = ""
    first_price: str = ""
    offer_line: str = ""
    offer_name: str = ""

    @property
    def choose_query(self) -> str:
        """The /subscribe/ query that picks this plan (with its offer code, if any)."""
        return urlencode({"plan": self.code, **({"offer": self.offer_code} if self.offer_code else {})})


def offer_for(plan, locale: str = "en_IN", offer=None) -> PlanOffer:
    """How a plan is shown; with `offer` (an Offer that applies to it), at the offer's price."""
    extra = {}
    if offer is not None:
        terms = terms_of(offer)
        first = first_charge(plan.price, terms)
        extra = dict(
            offer_code=offer.code, offer_name=offer.name,
            first_price="Free" if first == 0 else format_money(first, plan.currency, locale=locale,
                                                                  whole=first % 100 == 0),
            offer_line=price_line(plan.price, plan.term_months, terms, plan.currency, locale),
        )
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
        **extra,
    )


def introductory_offer(plan, offers) -> object | None:
    """The first running introductory offer that applies to a plan (or None)."""
    for offer in offers:
        chosen = [p.pk for p in offer.plans.all()]
        if not chosen or plan.pk in chosen:
            return offer
    return None


def running_offers(purpose: str = "introductory"):
    """Offers of a purpose that can be redeemed now (active, not expired, not used up)."""
    from django.db.models import F, Q

    from masthead.billing.models import Offer
    from masthead.core import clock

    return list(
        Offer.objects.filter(purpose=purpose, is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now()))
        .filter(Q(max_redemptions__isnull=True) | Q(redemptions__lt=F("max_redemptions")))
        .prefetch_related("plans").order_by("code")
    )


def visible_offers(locale: str = "en_IN", offer=None) -> list[PlanOffer]:
    """The plans on sale, each at its running introductory offer's price (or at `offer`'s,
    an offer code the reader followed, on the plans it applies to)."""
    from masthead.billing.models import Plan

    plans = list(Plan.objects.filter(is_visible=True, is_active=True))
    if offer is not None:
        running = [offer]
    else:
        running = running_offers()
    return [offer_for(plan, locale, introductory_offer(plan, running)) for plan in plans]
