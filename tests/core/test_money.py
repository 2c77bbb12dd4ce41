import pytest

from masthead.billing.offer import per_month_minor, term_label
from masthead.core.money import Money, format_money


@pytest.mark.parametrize(
    "paise, shown",
    [(90000, "₹900"), (270000, "₹2,700"), (390000, "₹3,900"), (10000000, "₹1,00,000"), (12345, "₹123.45")],
)
def test_rupees_are_shown_with_indian_grouping(paise, shown):
    assert format_money(paise, "INR") == shown


@pytest.mark.parametrize(
    "price, months, per_month, term",
    [(90000, 3, 30000, "3 months"), (270000, 12, 22500, "1 year"), (390000, 24, 16200, "2 years")],
)
def test_the_reference_offer_per_month_prices_round_down(price, months, per_month, term):
    assert per_month_minor(price, months) == per_month
    assert term_label(months) == term


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(9.5, "INR")
