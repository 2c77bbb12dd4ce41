"""What an offer does to a plan's price, and how that is said to readers. Pure: no I/O.

An offer takes a percent or an amount off each of its first `periods` periods (0 =
every period, forever), optionally after a trial of `trial_days` days that is free or
costs `trial_price`. Prices stay tax-inclusive integers in paise, so GST on a discounted
charge is broken out of the discounted price by the invoice, like any other.

The reference wording: "₹450 for the first 3 months, then ₹900 every 3 months".
"""

from __future__ import annotations

from dataclasses import dataclass

from masthead.core.money import format_money

PERCENT, FIXED, NONE = "percent", "fixed", "none"


@dataclass(frozen=True)
class OfferTerms:
    """An offer's terms, in plain values (built from an Offer row by `terms_of`)."""

    code: str
    kind: str = PERCENT       # "percent", "fixed" or "none"
    percent_off: int = 0
    amount_off: int = 0       # paise off each discounted period
    periods: int = 1          # discounted periods; 0 = forever
    trial_days: int = 0
    trial_price: int = 0      # paise; 0 = a free trial
    gateway_refs: tuple = ()  # ((gateway, id), ...) the provider's own name for it

    @property
    def forever(self) -> bool:
        return self.kind != NONE and self.periods == 0

    @property
    def has_trial(self) -> bool:
        return self.trial_days > 0

    @property
    def free_trial(self) -> bool:
        return self.has_trial and self.trial_price == 0

    def gateway_ref(self, gateway: str) -> str:
        return dict(self.gateway_refs).get(gateway, "")


def terms_of(offer) -> OfferTerms:
    """The terms of an Offer row (or None for none)."""
    if offer is None:
        return None
    return OfferTerms(code=offer.code, kind=offer.kind, percent_off=offer.percent_off, amount_off=offer.amount_off,
                      periods=offer.periods, trial_days=offer.trial_days, trial_price=offer.trial_price,
                      gateway_refs=tuple(sorted((offer.gateway_refs or {}).items())))


def validate_terms(terms: OfferTerms, *, lowest_price: int | None = None) -> list[str]:
    """What is wrong with an offer's terms, in words (empty when it can be sold)."""
    problems = []
    if terms.kind == PERCENT and not 1 <= terms.percent_off <= 100:
        problems.append("A percent discount is between 1 and 100.")
    if terms.kind == FIXED and terms.amount_off <= 0:
        problems.append("An amount discount takes something off.")
    if terms.kind == FIXED and lowest_price is not None and terms.amount_off > lowest_price:
        problems.append(f"The discount is more than a plan's price ({format_money(lowest_price, 'INR')}).")
    if terms.kind == NONE and not terms.has_trial:
        problems.append("An offer without a discount needs a trial.")
    if terms.trial_price and not terms.has_trial:
        problems.append("A trial price needs trial days.")
    return problems


def discounted(price: int, terms: OfferTerms) -> int:
    """One period's price after the discount (never below zero). Percent discounts round to
    the nearest paisa, half up: 33% of ₹900 off is ₹603.00."""
    if terms.kind == PERCENT:
        off = (price * terms.percent_off * 2 + 100) // 200
        return max(0, price - off)
    if terms.kind == FIXED:
        return max(0, price - terms.amount_off)
    return price


def charge_for_period(price: int, terms: OfferTerms | None, discounted_so_far: int) -> tuple[int, bool]:
    """The amount of the next period's charge and whether it uses the discount, given how
    many discounted charges were made already."""
    if terms is None or terms.kind == NONE:
        return price, False
    if terms.forever or discounted_so_far < terms.periods:
        return discounted(price, terms), True
    return price, False


def first_charge(price: int, terms: OfferTerms | None) -> int:
    """What the reader pays at checkout: the trial's price, or the first period's."""
    if terms is not None and terms.has_trial:
        return terms.trial_price
    return charge_for_period(price, terms, 0)[0]


def _every(months: int) -> str:
    if months % 12 == 0:
        return "every year" if months == 12 else f"every {months // 12} years"
    return "every month" if months == 1 else f"every {months} months"


def _span(months: int) -> str:
    if months % 12 == 0:
        return "year" if months == 12 else f"{months // 12} years"
    return "month" if months == 1 else f"{months} months"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def price_line(price: int, term_months: int, terms: OfferTerms | None, currency: str = "INR",
               locale: str = "en_IN") -> str:
    """The offer's real first price and the price after it, in the reference wording:
    "₹450 for the first 3 months, then ₹900 every 3 months"; "Free for 14 days, then ..."."""

    def money(amount: int) -> str:
        return format_money(amount, currency, locale=locale, whole=amount % 100 == 0)

    regular = f"{money(price)} {_every(term_months)}"
    if terms is None:
        return regular
    parts = []
    if terms.has_trial:
        parts.append(("Free" if terms.free_trial else money(terms.trial_price)) + f" for {_days(terms.trial_days)}")
    if terms.kind != NONE:
        cut = discounted(price, terms)
        if terms.forever:
            parts.append(f"{money(cut)} {_every(term_months)}")
            return ", then ".join(parts)
        which = "the next" if terms.has_trial else "the first"
        parts.append(f"{money(cut)} for {which} {_span(term_months * terms.periods)}")
    parts.append(regular)
    return ", then ".join(parts)
