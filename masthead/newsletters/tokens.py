"""The signed links in newsletter e-mails: confirm a sign-up, leave a list.

Both are django.core.signing values over the sign-up's id and address, with their own
salts, so a link for one purpose never works for the other and a changed character is
refused. The confirmation link expires (CONFIRM_MAX_AGE); the unsubscribe link in an
issue does not (RFC 8058: it must work from any issue a reader kept). Ages are read
from masthead.core.clock, like every other time in Masthead.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing

from masthead.core import clock

CONFIRM_SALT = "masthead.newsletters.confirm"
LEAVE_SALT = "masthead.newsletters.leave"
CONFIRM_MAX_AGE = dt.timedelta(days=7)


class BadLink(Exception):
    """A link that was forged, altered, or has expired (`expired` says which)."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


class _ClockSigner(signing.TimestampSigner):
    """TimestampSigner on Masthead's clock (Django's reads time.time())."""

    def timestamp(self):
        return signing.b62_encode(int(clock.timestamp()))

    def unsign(self, value, max_age=None):
        result = signing.Signer.unsign(self, value)
        payload, stamp = result.rsplit(self.sep, 1)
        if max_age is not None:
            age = clock.timestamp() - signing.b62_decode(stamp)
            if age > max_age.total_seconds():
                raise signing.SignatureExpired(f"link is {age:.0f} s old")
        return payload


def confirmation_token(signup) -> str:
    return _ClockSigner(salt=CONFIRM_SALT).sign_object({"s": signup.pk, "e": signup.email})


def leave_token(signup_id: int, email: str) -> str:
    return signing.Signer(salt=LEAVE_SALT).sign_object({"s": signup_id, "e": email})


def _read(token: str, signer, **kwargs) -> tuple[int, str]:
    if not token or len(token) > 400:
        raise BadLink("This link is not one of ours.")
    try:
        data = signer.unsign_object(token, **kwargs)
    except signing.SignatureExpired as exc:
        raise BadLink("This link has expired.", expired=True) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise BadLink("This link is not one of ours.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("e"), str):
        raise BadLink("This link is not one of ours.")
    return data["s"], data["e"]


def read_confirmation(token: str) -> tuple[int, str]:
    """(sign-up id, address) from a confirmation link; BadLink if forged or expired."""
    return _read(token, _ClockSigner(salt=CONFIRM_SALT), max_age=CONFIRM_MAX_AGE)


def read_leave(token: str) -> tuple[int, str]:
    """(sign-up id, address) from an unsubscribe link; BadLink if forged."""
    return _read(token, signing.Signer(salt=LEAVE_SALT))
