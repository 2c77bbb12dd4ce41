"""Named instants for tests whose outcome depends on the time (DESIGN decision 11).

Set one with ``clock.travel(INSTANT)`` or ``clock.freeze(INSTANT)``; never read the wall
clock. The awkward ones are where the publication's calendar (Asia/Kolkata, UTC+05:30) and
UTC disagree about the day, the month or the year. CI also runs the fast suite under
libfaketime at FINANCIAL_YEAR_END, so code that reads the wall clock is caught there.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc

# 12:00 in Kolkata on an unremarkable day: every calendar agrees on the date.
ORDINARY_DAY = dt.datetime(2026, 6, 15, 6, 30, tzinfo=UTC)

# 00:15 in Kolkata on 2 December 2026, still 1 December in UTC.
IST_JUST_AFTER_MIDNIGHT = dt.datetime(2026, 12, 1, 18, 45, tzinfo=UTC)
IST_JUST_BEFORE_MIDNIGHT = dt.datetime(2026, 12, 1, 18, 20, tzinfo=UTC)  # 23:50 on 1 December

# 00:40 in Kolkata on 1 March 2027, still 28 February in UTC: a year on, UTC is on 29 February.
MONTH_END_BEFORE_A_LEAP_YEAR = dt.datetime(2027, 2, 28, 19, 10, tzinfo=UTC)

# 01:30 in Kolkata on 1 March 2028; 29 February in UTC.
LEAP_DAY = dt.datetime(2028, 2, 29, 20, 0, tzinfo=UTC)

# 00:15 in Kolkata on 1 April 2027, the first minutes of India's financial year 2027-28;
# still 31 March (financial year 2026-27) in UTC.
FINANCIAL_YEAR_END = dt.datetime(2027, 3, 31, 18, 45, tzinfo=UTC)
