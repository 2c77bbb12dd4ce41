"""Template filters for masthead.core.dates: {% load dates %} then {{ value|long_date }}."""

from django import template

from masthead.core import dates

register = template.Library()

register.filter("long_date", dates.long_date)
register.filter("short_date", dates.short_date)
register.filter("date_time", dates.date_time)
