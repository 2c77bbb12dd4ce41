"""Money is integers in minor units with a currency code; shown through Babel."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_currency, format_decimal

MINOR_UNITS = {"INR": 100, "USD": 100, "EUR": 100, "GBP": 100}


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units (paise for INR)
    currency: str = "INR"

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount is an integer number of minor units")

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _same_currency(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def format(self, locale: str = "en_IN", *, whole: bool | None = None) -> str:
        return format_money(self.amount, self.currency, locale=locale, whole=whole)

    def __str__(self) -> str:
        return self.format()


def format_money(amount: int, currency: str = "INR", *, locale: str = "en_IN", whole: bool | None = None) -> str:
    """Format minor units the local way: 90000 paise -> '₹900', 10000000 -> '₹1,00,000'.

    Whole amounts are shown without decimals unless ``whole=False``.
    """
    unit = MINOR_UNITS.get(currency, 100)
    major, minor = divmod(amount, unit)
    show_whole = (minor == 0) if whole is None else whole
    if show_whole:
        pattern = "¤#,##,##0" if locale.replace("-", "_") == "en_IN" else "¤#,##0"
        return format_currency(major, currency, locale=locale.replace("-", "_"), format=pattern, currency_digits=False)
    from decimal import Decimal

    value = Decimal(amount) / Decimal(unit)
    pattern = "¤#,##,##0.00" if locale.replace("-", "_") == "en_IN" else "¤#,##0.00"
    return format_currency(value, currency, locale=locale.replace("-", "_"), format=pattern, currency_digits=False)


def format_number(value: int, locale: str = "en_IN") -> str:
    return format_decimal(value, locale=locale.replace("-", "_"))
