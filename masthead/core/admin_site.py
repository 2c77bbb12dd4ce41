"""The admin site: Django's, with its login limited like the reader login."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import admin
from django.template.response import TemplateResponse

from masthead.core import throttle

THROTTLED = (
    "Too many failed attempts to log in. For your security, wait a few minutes and try again."
)


class MastheadAdminSite(admin.AdminSite):
    """Failed admin logins are limited per address and per account name.

    Once the limit is reached every attempt is refused with a 429, the right password
    included, until the window passes: otherwise the limit would only slow a guesser down
    and then confirm the guess.
    """

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        account = request.POST.get("username", "").strip().lower()
        usage = throttle.attempt(request, "admin_login_failed", key=account)
        if usage is None:
            return self._throttled(request, THROTTLED)
        response = super().login(request, extra_context)
        if request.user.is_authenticated and request.user.is_staff and response.status_code == HTTPStatus.FOUND:
            usage.rollback()
        return response

    def password_change(self, request, extra_context=None):
        """The old password is a secret checked here too: limited per staff member."""
        if request.method != "POST" or not request.user.is_authenticated:
            return super().password_change(request, extra_context)
        usage = throttle.attempt(request, "admin_password_change", user=request.user)
        if usage is None:
            return self._throttled(request, "Too many attempts to change the password. Wait a few minutes and try again.")
        response = super().password_change(request, extra_context)
        if response.status_code == HTTPStatus.FOUND:
            usage.rollback()
        return response

    def _throttled(self, request, message: str):
        context = {**self.each_context(request), "title": "Too many attempts", "message": message}
        return TemplateResponse(request, "admin/429.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
