"""Limits on guessing passwords and codes outside allauth's own forms (the admin, deletion).

The reader login, the e-mailed code, password resets and the apps' sign-in API are
limited by allauth (settings.ACCOUNT_RATE_LIMITS). Every other form that checks a secret
uses the same limiter with the same rate syntax ("10/m/ip,5/5m/key"), configured in
settings.MASTHEAD_RATE_LIMITS, so one cache holds every count and the limits read alike.
A guess that turns out right gives its count back, as allauth does for logins, so a
reader is never locked out by their own successes while a wrong guess always counts.

allauth's public `ratelimit.consume` reads allauth's own settings only; the function
under it takes the rates as an argument, so that is the one called here (one place to
change if allauth moves it).
"""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings

# The cache-key namespace of these limits (allauth's own are "allauth.account").
APP = "masthead"


def attempt(request, action: str, *, key: str | None = None, user=None):
    """Count one guess; None when the limit is reached (refuse it, right or wrong).

    The returned usage's ``rollback()`` gives the count back once the guess proved right.
    """
    return ratelimit.consume(
        request,
        app=APP,
        action=action,
        config=settings.MASTHEAD_RATE_LIMITS,
        key=key,
        user=user,
    )
