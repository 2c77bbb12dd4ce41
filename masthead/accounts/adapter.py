"""How allauth signs readers in and out here: every login is a device."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib import messages
from django.utils.formats import date_format
from django.utils.timezone import localtime

from masthead.accounts import devices, forms
from masthead.content.publication import current_publication, reply_to, sender
from masthead.accounts.models import Device

logger = logging.getLogger(__name__)


def user_display(user) -> str:
    """How messages name a reader: by the e-mail address they sign in with."""
    return user.email or user.get_username()


def _is_app(request) -> bool:
    headless = getattr(getattr(request, "allauth", None), "headless", None)
    return getattr(headless, "client", None) == "app"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to log in. For your security, wait a few minutes "
            "and try again, or log in with a code sent by e-mail."
        ),
    }

    def clean_email(self, email: str) -> str:
        """Sign-up, e-mail change and password reset, on the web and in the apps."""
        return forms.clean_address(super().clean_email(email))

    def send_mail(self, template_prefix, email, context) -> None:
        """Nothing goes to an address that could not be delivered whole (the forms refuse it first)."""
        if not forms.is_deliverable(email):
            logger.warning("Not sending %s to an undeliverable address (%d characters)", template_prefix, len(email))
            return
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return f"{current_publication().name}: {subject}"

    def get_from_email(self) -> str:
        return sender()

    def render_mail(self, template_prefix, email, context, headers=None):
        """Every account e-mail is from the publication and names it (not the request's host)."""
        context = {
            **context,
            "publication_name": current_publication().name,
            "public_url": settings.MASTHEAD_PUBLIC_URL,
        }
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.reply_to = reply_to()
        return message

    def login(self, request, user) -> None:
        """Log in (Django rotates the session key), record the device, keep to the device limit."""
        super().login(request, user)
        kind = Device.Kind.APP if _is_app(request) else Device.Kind.WEB
        pushed_out = devices.record_login(request, user, kind=kind)
        for device in pushed_out:
            when = date_format(localtime(device.last_seen), "j M Y, H:i")
            messages.info(
                request,
                f"You can be signed in on {settings.MASTHEAD_DEVICE_LIMIT} devices at once, "
                f"so we signed out {device.name} (last used {when}).",
                fail_silently=True,
            )

    def logout(self, request) -> None:
        devices.forget_session(request.session.session_key)
        super().logout(request)

    def set_password(self, user, password) -> None:
        """A new password signs out every other device (a reset signs out all of them).

        Django then cycles this device's session key; DeviceActivityMiddleware moves
        the device to the new key when the response goes out.
        """
        super().set_password(user, password)
        request = context.request
        current = None
        if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
            current = request.session.session_key
        devices.sign_out_others(user, keep=current)
        if current:
            request._masthead_device_key = current
