"""Addresses nothing is sent to again: hard bounces and complaints, however they arrive.

- An e-mail service's tracking webhook (django-anymail: verified by its WEBHOOK_SECRET,
  see views.tracking) sends a `tracking` signal; `on_tracking_event` suppresses the
  recipient of a bounce, a rejection or a complaint.
- Bounce messages in a mailbox folder (Maildir or mbox): `read_mailbox()` reads
  delivery status notifications (RFC 3464: a permanent failure, status 5.x.x) and
  complaint reports (RFC 5965 feedback reports) and suppresses each address named.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from masthead.newsletters import actions
from masthead.newsletters.models import Suppression

# anymail's normalised event types that mean "never send here again". A "deferred" or a
# soft bounce is not among them: the next issue may well arrive.
SUPPRESSING_EVENTS = {"bounced": Suppression.Reason.BOUNCED, "rejected": Suppression.Reason.BOUNCED,
                      "complained": Suppression.Reason.COMPLAINED}


def _temporary(event) -> bool:
    """A bounce the service itself calls temporary (anymail files some of them as "bounced")."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if raw.get("Type") in ("SoftBounce", "Transient", "DnsError") or raw.get("severity") == "temporary":
        return True
    return str(event.mta_response or "").lstrip().startswith("4")


def on_tracking_event(sender, event, esp_name, **kwargs) -> None:
    """anymail's tracking signal: a hard bounce, a rejection or a complaint suppresses the recipient."""
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None or not event.recipient:
        return
    if reason == Suppression.Reason.BOUNCED and _temporary(event):
        return
    actions.suppress(event.recipient, reason, f"{esp_name}: {event.description or event.reject_reason or ''}")


@dataclass
class MailboxReport:
    read: int = 0
    bounces: int = 0
    complaints: int = 0
    ignored: int = 0
    newly_suppressed: int = 0
    unreadable: list[str] = field(default_factory=list)

    def as_line(self) -> str:
        line = (f"{self.read} messages read: {self.bounces} hard bounces, {self.complaints} complaints, "
                f"{self.ignored} other; {self.newly_suppressed} addresses newly suppressed")
        if self.unreadable:
            line += f"; {len(self.unreadable)} unreadable (left in place)"
        return line


def _addresses(field_value: str) -> str:
    """'rfc822; reader@example.com' -> 'reader@example.com'."""
    value = field_value.split(";", 1)[-1].strip()
    return parseaddr(value)[1] or value


def classify(message) -> tuple[str, list[str]]:
    """("bounce" | "complaint" | "other", addresses) for one message."""
    if message.get_content_type() != "multipart/report":
        return "other", []
    report_type = (message.get_param("report-type") or "").lower()
    if report_type == "feedback-report":
        found = []
        for part in message.walk():
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload(0) if part.is_multipart() else None
                if inner is not None and inner.get("To"):
                    found.append(parseaddr(inner["To"])[1])
            elif part.get_content_type() == "message/feedback-report":
                text = part.get_payload(decode=False)
                text = text if isinstance(text, str) else "".join(str(p) for p in text)
                found += [_addresses(m) for m in re.findall(r"(?im)^Original-Rcpt-To:\s*(.+)$", text)]
        return "complaint", sorted({a for a in found if "@" in a})
    if report_type != "delivery-status":
        return "other", []
    failed = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The per-recipient groups are parsed as sub-messages (one block of fields each).
        groups = part.get_payload() if part.is_multipart() else []
        for group in groups:
            action = (group.get("Action") or "").strip().lower()
            status = (group.get("Status") or "").strip()
            recipient = group.get("Final-Recipient") or group.get("Original-Recipient") or ""
            if action == "failed" and status.startswith("5") and recipient:
                failed.append(_addresses(recipient))
    return ("bounce", sorted({a for a in failed if "@" in a})) if failed else ("other", [])


def _open(path: Path):
    if (path / "cur").is_dir() or (path / "new").is_dir():
        return mailbox.Maildir(str(path), factory=None, create=False)
    if path.is_file():
        return mailbox.mbox(str(path), create=False)
    raise FileNotFoundError(f"{path} is neither a Maildir folder nor an mbox file")


def read_mailbox(path, *, remove: bool = False, progress=None) -> MailboxReport:
    """Suppress every address a bounce or complaint in the folder names.

    Safe to run again over the same messages (a suppressed address stays suppressed once).
    With `remove`, messages that were read are deleted from the folder; unreadable ones
    are always left for a person to look at.
    """
    box = _open(Path(path))
    keys = list(box.keys())
    result = MailboxReport()
    for n, key in enumerate(keys, 1):
        try:
            raw = box.get_bytes(key)
            message = email.message_from_bytes(raw, policy=email.policy.compat32)
            kind, addresses = classify(message)
        except Exception as exc:  # one malformed message must not stop the rest
            result.unreadable.append(f"{key}: {exc.__class__.__name__}")
            continue
        result.read += 1
        if kind == "other" or not addresses:
            result.ignored += 1
        else:
            if kind == "bounce":
                result.bounces += 1
            else:
                result.complaints += 1
            reason = Suppression.Reason.BOUNCED if kind == "bounce" else Suppression.Reason.COMPLAINED
            for address in addresses:
                result.newly_suppressed += actions.suppress(address, reason, f"mailbox: {kind}")
        if remove:
            box.remove(key)
        if progress:
            progress(n, len(keys))
    box.close()
    return result
