"""Template filters for money in billing pages."""

from django import template

from masthead.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="INR"):
    """Minor units shown with paise: 76271 -> '₹762.71'."""
    return format_money(int(amount), currency, whole=False)
