"""What every page's template may ask about its reader: whether they hold a subscription's benefits."""

from masthead.access.entitlements import Benefit, for_request


def reader(request):
    """``reader_is_subscribed``: computed only when a template asks (the footer's "Subscribe" link).

    The same benefits the page's access decision uses, computed once per request.
    """

    def is_subscribed() -> bool:
        return Benefit.PREMIUM in for_request(request, getattr(request, "user", None))

    return {"reader_is_subscribed": is_subscribed}
