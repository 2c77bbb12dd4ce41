"""One newsletter e-mail as the mail server receives it.

Through Django's mail API, so the transport is a setting: SMTP (MASTHEAD_EMAIL_*), or an
e-mail service through django-anymail's backends. Each message carries the bulk-sender
headers Gmail and Yahoo require: a per-recipient `List-Unsubscribe` with a signed HTTPS
link and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and `List-Id`.
With MASTHEAD_DKIM_* set, messages sent over SMTP are DKIM-signed (dkimpy); an e-mail
service signs with its own keys.
"""

from __future__ import annotations

from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

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


class NewsletterMessage(EmailMultiAlternatives):
    """An e-mail that DKIM-signs itself when a key is configured."""

    def _create_mime_attachment(self, content, mimetype):
        # The HTML part is base64 (Python's own encoding for UTF-8 text): inlined CSS makes
        # lines longer than mail allows, and Django would then quote-print it in pure
        # Python, some 20 ms a message, most of a send's time.
        if mimetype == "text/html":
            return MIMEText(content, "html", "utf-8")
        return super()._create_mime_attachment(content, mimetype)

    def message(self):
        built = super().message()
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
