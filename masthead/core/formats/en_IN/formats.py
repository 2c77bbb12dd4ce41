"""Django's formats for en-IN (Django ships none, and falls back to US English with
"12:22 a.m."): the same day and 24-hour time formats as masthead.core.dates."""

from masthead.core.dates import DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT, TIME_FORMAT

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"]
