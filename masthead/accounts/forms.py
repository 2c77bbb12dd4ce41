"""E-mail addresses as every account form takes them: whole, well formed, deliverable.

allauth's forms accept what Django's EmailField does (up to 320 characters) while the
address is stored in a 254-character column, and allauth cuts a longer one down to fit
(`user_field`): a 306-character address became 254 characters with no domain, and the
confirmation went to that. So every form that takes an address checks it here first
and refuses, with a message, what could not be stored or delivered whole. The adapter
does it for sign-up, e-mail change and password reset (allauth's `clean_email` hook);
the one-time code request has no such hook, so its form and the apps' input are
subclassed here.
"""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.headless.account import inputs as headless_inputs
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# RFC 5321: a path is at most 256 octets with its angle brackets, a local part at most 64.
MAX_LENGTH = 254
LOCAL_PART_MAX_LENGTH = 64

TOO_LONG = f"An e-mail address can be at most {MAX_LENGTH} characters long (the part before the @ at most {LOCAL_PART_MAX_LENGTH})."
INVALID = "Enter a valid e-mail address, like name@example.com."

# Django's check, without its "localhost" exception: readers' mail goes out to the internet.
validate_email = EmailValidator(allowlist=())


def clean_address(email: str) -> str:
    """The address as given, or a ValidationError saying why it cannot be used."""
    if len(email) > MAX_LENGTH or len(email.rpartition("@")[0]) > LOCAL_PART_MAX_LENGTH:
        raise ValidationError(TOO_LONG, code="email_too_long")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(INVALID, code="invalid_email") from exc
    return email


def is_deliverable(email: str) -> bool:
    try:
        clean_address(email)
    except ValidationError:
        return False
    return True


class _DeliverableEmail:
    """Refuses an address too long or malformed to deliver whole, before allauth's own checks."""

    def clean_email(self) -> str:
        if self.cleaned_data.get("email"):
            clean_address(self.cleaned_data["email"])
        return super().clean_email()


class RequestLoginCodeForm(_DeliverableEmail, account_forms.RequestLoginCodeForm):
    """The web form asking for a one-time code by e-mail (settings.ACCOUNT_FORMS)."""


class RequestLoginCodeInput(_DeliverableEmail, headless_inputs.RequestLoginCodeInput):
    """The apps' request for a one-time code (masthead/urls.py routes it)."""
