"""Device activity: "last seen" for signed-in browsers, at most once per interval."""

from __future__ import annotations

from django.conf import settings

from masthead.accounts import devices


class DeviceActivityMiddleware:
    """Touches the device of a signed-in browser; costs nothing for anonymous readers.

    A request without a session cookie returns before request.user or the session is
    touched, so anonymous article reads make no session read and no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session_key = request.session.session_key
            if session_key and request.user.is_authenticated:
                devices.touch(session_key)
        response = self.get_response(request)
        previous = getattr(request, "_masthead_device_key", None)
        if previous:
            devices.rekey(previous, request.session.session_key)
        return response
