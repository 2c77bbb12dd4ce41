"""One newsletter e-mail as the mail server receives it.

Through Django's mail API, so the transport is a setting: SMTP (MASTHEAD_EMAIL_*), or an
e-mail service through django-anymail's backends. Each message carries the bulk-sender
headers Gmail and Yahoo require: a per-recipient `List-Unsubscribe` with a signed HTTPS
link and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and `List-Id`.
With MASTHEAD_DKIM_* set, messages sent over SMTP are DKIM-signed (dkimpy); an e-mail
service signs with its own keys.
"""

from __future__ import annotations

import base64
import binascii
import email
import functools
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.newsletters import tokens
from masthead.newsletters.actions import public_link
from masthead.newsletters.models import NewsletterList
from masthead.newsletters.render import Recipient, Rendered

# Headers the DKIM signature covers (the ones a receiver shows or acts on).
SIGNED_HEADERS = [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To",
                  b"List-Unsubscribe", b"List-Unsubscribe-Post", b"List-Id", b"MIME-Version", b"Content-Type"]


def dkim_key() -> bytes | None:
    """The DKIM private key (PEM) from MASTHEAD_DKIM_PRIVATE_KEY or the file it names, if set."""
    value = settings.MASTHEAD_DKIM_PRIVATE_KEY
    if not value or not settings.MASTHEAD_DKIM_SELECTOR or not settings.MASTHEAD_DKIM_DOMAIN:
        return None
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n").encode()
    return Path(value).read_bytes()


class _Signed:
    """A built message with its DKIM-Signature header put first, byte for byte as signed."""

    def __init__(self, message, key: bytes):
        import dkim  # dkimpy, needed only where signing is configured

        self._message = message
        self._body = message.as_bytes(linesep="\r\n")
        self._signature = dkim.sign(
            self._body, settings.MASTHEAD_DKIM_SELECTOR.encode(), settings.MASTHEAD_DKIM_DOMAIN.encode(), key,
            canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS, linesep=b"\r\n",
        )

    def as_bytes(self, unixfrom=False, linesep="\n"):
        if linesep == "\r\n":
            return self._signature + self._body
        return (self._signature + self._body).replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def __getattr__(self, name):
        return getattr(self._message, name)


ADDRESS_HEADERS = {"From", "To", "Cc", "Reply-To"}


@functools.lru_cache(maxsize=512)
def _header_line(name: str, value: str | tuple[str, ...]) -> bytes:
    """One header as it goes on the wire (no line end): ASCII as it is, anything else as
    RFC 2047 encoded words; an address header takes a tuple of addresses (a name may hold a
    comma). Kept per value: an issue's From, Subject and List-Id are the same for every
    recipient, and folding them in Python is most of a message's cost."""
    parts = value if isinstance(value, tuple) else (value,)
    if any("\n" in part or "\r" in part for part in parts):
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for header {name!r})")
    if name in ADDRESS_HEADERS:
        value = ", ".join(sanitize_address(address, "utf-8") for address in parts)
    elif not value.isascii() or len(name) + 2 + len(value) > 78 and " " in value:
        value = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {value}".encode("ascii")


def check_subject(subject: str) -> None:
    """Raise BadHeaderError for a subject no message may carry (a line break would add headers)."""
    _header_line("Subject", subject)


class ComposedMessage:
    """The message's bytes, written directly rather than through Python's email generator.

    multipart/alternative: the plain text quoted-printable, the HTML base64 (inlined CSS
    makes lines longer than mail allows). The email package built the same message at some
    25 ms, most of a send's time; this takes a fraction of a millisecond. Anything else a
    caller asks of it (a header, the parts) is answered by parsing the bytes, once.
    """

    def __init__(self, headers: list[tuple[str, str | tuple[str, ...]]], text: str, html: str):
        boundary = f"==mh-{secrets.token_hex(16)}"
        lines = [_header_line(name, value) for name, value in headers]
        lines += [b"MIME-Version: 1.0",
                  f'Content-Type: multipart/alternative; boundary="{boundary}"'.encode(), b""]
        plain = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
        lines += [f"--{boundary}".encode(), b'Content-Type: text/plain; charset="utf-8"',
                  b"Content-Transfer-Encoding: quoted-printable", b"", *plain.split(b"\n")]
        rich = base64.encodebytes(html.encode("utf-8")).rstrip(b"\n")
        lines += [f"--{boundary}".encode(), b'Content-Type: text/html; charset="utf-8"',
                  b"Content-Transfer-Encoding: base64", b"", *rich.split(b"\n"),
                  f"--{boundary}--".encode(), b""]
        self._lines = lines
        self._parsed = None

    def as_bytes(self, unixfrom=False, linesep="\n") -> bytes:
        return linesep.encode().join(self._lines)

    def as_string(self, unixfrom=False, linesep="\n") -> str:
        return self.as_bytes(linesep=linesep).decode("ascii")

    def __getitem__(self, name):
        return self._message()[name]

    def __getattr__(self, name):
        return getattr(self._message(), name)

    def _message(self):
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.as_bytes())
        return self._parsed


class NewsletterMessage(EmailMultiAlternatives):
    """An e-mail composed as bytes (see ComposedMessage), DKIM-signed when a key is set.

    It stays a Django EmailMessage: an e-mail service's backend (django-anymail) reads its
    subject, body and alternatives; only SMTP asks for ``message()``.
    """

    def message(self):
        html = next((content for content, mimetype in self.alternatives if mimetype == "text/html"), "")
        headers = [("Subject", self.subject), ("From", (self.from_email,)), ("To", tuple(map(str, self.to)))]
        if self.reply_to:
            headers.append(("Reply-To", tuple(map(str, self.reply_to))))
        headers += list(self.extra_headers.items())
        built = ComposedMessage(headers, self.body, html)
        key = dkim_key()
        return _Signed(built, key) if key else built


def list_id(newsletter: NewsletterList) -> str:
    host = urlparse(public_link("/")).hostname or "localhost"
    return formataddr((newsletter.name, f"{newsletter.slug}.{host}"))


def from_address(newsletter: NewsletterList) -> str:
    address = newsletter.sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((newsletter.sender_name or current_publication().name, address))


def reply_to(newsletter: NewsletterList) -> list[str]:
    if newsletter.reply_to:
        return [newsletter.reply_to]
    contact = current_publication().contact_email
    return [contact] if contact else []


def unsubscribe_url(recipient: Recipient) -> str:
    """The signed one-click link: works without logging in, from any issue kept."""
    return public_link(f"/newsletters/leave/{tokens.leave_token(recipient.signup_id or 0, recipient.email)}/")


def build(newsletter: NewsletterList, recipient: Recipient, rendered: Rendered, *, connection=None,
          test: bool = False) -> NewsletterMessage:
    """The message for one recipient, their links filled in."""
    leave = unsubscribe_url(recipient)
    copy = rendered.for_links(leave, public_link("/accounts/newsletters/"))
    host = urlparse(public_link("/")).hostname or "localhost"
    message = NewsletterMessage(
        ("[Test] " if test else "") + copy.subject, copy.text, from_address(newsletter), [recipient.email],
        reply_to=reply_to(newsletter), connection=connection,
        headers={
            "Date": formatdate(clock.timestamp()),
            "Message-ID": make_msgid(domain=host),
            "List-Id": list_id(newsletter),
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(copy.html, "text/html")
    return message
