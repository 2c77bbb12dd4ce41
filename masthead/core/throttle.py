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
from django.core.cache import cache

from masthead.core import clock

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


def window_hit(request, action: str, *, key: str | None = None, ip: str | None = None) -> int | None:
    """Count one request against the fixed-window limits of `action`; seconds to wait, or None.

    For the API, where a limit is hundreds a minute: allauth's limiter keeps a timestamp per
    hit (a long list to read and write on every request), so this one keeps one counter per
    window instead (an `add` and an `incr`). Rates use the same syntax ("600/m/ip,300/m/key");
    an "ip" rate applies when the caller's address `ip` is known, a "key" rate when `key` is
    given (an app token, already hashed by the caller).
    The wait is what is left of the window that refused, for a `Retry-After` header.
    """
    now = clock.now().timestamp()
    wait = None
    for rate in ratelimit.get_rates(app=APP, action=action, config=settings.MASTHEAD_RATE_LIMITS):
        if rate.per == "ip":
            who = ip
        elif rate.per == "key":
            who = key
        else:
            continue
        if not who:
            continue
        duration = max(1, int(rate.duration))
        window = int(now // duration)
        cache_key = f"{APP}:window:{action}:{rate.per}:{duration}:{window}:{who}"
        if cache.add(cache_key, 1, duration + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between the two calls: this hit starts it again
                cache.add(cache_key, 1, duration + 1)
                count = 1
        if count > rate.amount:
            left = max(1, int((window + 1) * duration - now + 0.999))
            wait = max(wait or 0, left)
    return wait
