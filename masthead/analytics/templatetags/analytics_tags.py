from django import template

from masthead.core.money import format_money

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.0123 -> '1.23%'."""
    try:
        return f"{float(value) * 100:.2f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def rupees(paise) -> str:
    return format_money(int(paise or 0), "INR")


@register.filter
def make_list_words(value: str) -> list[str]:
    return value.split()
