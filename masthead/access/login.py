"""At login: the anonymous meter's reads join the account's, and paywall logins are counted."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from masthead.access import funnel
from masthead.access.reader import read_cookie

logger = logging.getLogger(__name__)

# The paywall's "Log in" link carries this, so a login that started there can be counted.
FROM_PAYWALL_PARAM = "from"
FROM_PAYWALL_VALUE = "paywall"


def came_from_paywall(request) -> bool:
    """The login form's URL (GET, or the Referer of its POST) carries from=paywall."""
    if request.GET.get(FROM_PAYWALL_PARAM) == FROM_PAYWALL_VALUE:
        return True
    referer = request.META.get("HTTP_REFERER", "")
    return parse_qs(urlsplit(referer).query).get(FROM_PAYWALL_PARAM) == [FROM_PAYWALL_VALUE]


def merge_meter_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver: merge this browser's anonymous meter into the account."""
    if request is None:
        return
    if came_from_paywall(request):
        funnel.record("login_from_paywall", "", "web")
    found = read_cookie(request.COOKIES.get(settings.MASTHEAD_METER_COOKIE))
    if found is None:
        return
    from masthead.access.service import merge_at_login

    try:
        merge_at_login(f"a:{found[0]}", f"u:{user.pk}")
    except Exception:
        # A meter outage must not block a login; the reads stay on the cookie's meter.
        logger.exception("could not merge the anonymous meter at login")
