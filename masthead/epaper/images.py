"""Signed page-image addresses: valid for minutes, and only for the reader they were made for.

A page image is never at a stable public address. The viewer, having decided the reader
holds the ePaper (access.read.read_benefit), gives each image an address carrying a
signed token: the storage name and who it is for (the account, or for a reader without
one the network address; nobody in particular for the front-page thumbnail every
visitor sees beside the paywall). The image view checks the signature,
its age (MASTHEAD_EPAPER_IMAGE_SECONDS) and that the request comes from that reader, so a
copied address shows nothing to anyone else, and nothing to anyone once it is old.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.module_loading import import_string

from masthead.access.entitlements import request_user
from masthead.access.network import client_ip
from masthead.core import clock

SALT = "masthead.epaper.image"
ANYONE = ""  # the holder of an address any visitor may use (the front-page thumbnail)


class _Signer(signing.TimestampSigner):
    """Django's timestamp signer on the publication clock (tests move it)."""

    def timestamp(self):
        return signing.b62_encode(int(clock.timestamp()))

    def unsign(self, value, max_age=None):
        # Django's own measures the age by the wall clock; this one by the publication's.
        value, stamp = signing.Signer.unsign(self, value).rsplit(self.sep, 1)
        if max_age is not None and clock.timestamp() - signing.b62_decode(stamp) > max_age:
            raise signing.SignatureExpired("Signature age exceeds the limit")
        return value


def _signer() -> signing.TimestampSigner:
    return _Signer(salt=SALT)


def holder(user, ip: str | None) -> str:
    """Who an address is made for: a signed-in reader by account, anyone else by address
    (a reader whose access comes from their organisation's network)."""
    if getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    return f"a{ip or ''}"


def image_url(name: str, reader=None) -> str:
    """The address of the stored image `name` for this reader (an access.reader.Reader), or
    for any visitor when no reader is given (the front-page thumbnail beside the paywall)."""
    owner = ANYONE if reader is None else holder(reader.user, reader.ip)
    return reverse("epaper:image", args=[_signer().sign_object({"f": name, "u": owner})])


class Refused(Exception):
    """Why an image address does not open: forged, expired or someone else's."""


def open_token(token: str, request) -> str:
    """The storage name a token opens for this request's reader, or Refused."""
    try:
        found = _signer().unsign_object(token, max_age=settings.MASTHEAD_EPAPER_IMAGE_SECONDS)
    except signing.SignatureExpired:
        raise Refused("This page address has expired: reopen the page.") from None
    except (signing.BadSignature, ValueError):
        raise Refused("This is not a page address Masthead made.") from None
    if not isinstance(found, dict) or not isinstance(found.get("f"), str):
        raise Refused("This is not a page address Masthead made.")
    owner = found.get("u", ANYONE)
    # The session is only looked at for an address made for someone.
    if owner != ANYONE and owner != holder(request_user(request), client_ip(request)) \
            and owner != _app_holder(request):
        raise Refused("This page address was made for another reader.")
    return found["f"]


def _app_holder(request) -> str | None:
    """Who an app token (`Authorization: Bearer`) stands for, for the addresses the API made:
    through the API's bearer hook (settings.MASTHEAD_API_TOKEN_USER); None without a live token."""
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    path = getattr(settings, "MASTHEAD_API_TOKEN_USER", "")
    if scheme.lower() != "bearer" or not token.strip() or not path:
        return None
    user = import_string(path)(request, token.strip())
    return holder(user, None) if getattr(user, "is_authenticated", False) else None
