"""The neutral item every parser produces, whatever the agency's format.

A parser turns one document (a file, a feed response) into a `Parsed`: the items it
found, the items it skipped on purpose (a package, a knowledge item) with the reason,
and the items it could not read (quarantined, with the reason, while the rest ingest).
Ingest (`wire.ingest`) only ever sees these dataclasses, never a format's own shape.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass, field


class Status(enum.Enum):
    """What the agency says about the item (IPTC pubStatus)."""

    USABLE = "usable"
    WITHHELD = "withheld"  # held back for now: taken off the site until a usable version comes
    CANCELED = "canceled"  # killed: withdrawn for good

    @classmethod
    def parse(cls, value: str | None) -> "Status":
        """'usable', 'stat:canceled', 'withdrawn', 'Canceled'... -> a Status (usable when absent)."""
        text = (value or "").strip().lower().rsplit(":", 1)[-1]
        if text in ("canceled", "cancelled", "withdrawn", "kill", "killed", "deleted"):
            return cls.CANCELED
        if text in ("withheld", "embargoed-withheld"):
            return cls.WITHHELD
        return cls.USABLE


@dataclass(frozen=True)
class Subject:
    """A subject the agency tagged the item with: a code (an IPTC media topic such as
    'medtop:04000000', or the agency's own) and/or a name."""

    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class Picture:
    """A picture that comes with the item: where the transport can find it, and its words."""

    href: str
    caption: str = ""
    credit: str = ""
    alt: str = ""
    media_type: str = ""


@dataclass(frozen=True)
class WireItem:
    """One agency story, in Masthead's words."""

    guid: str  # the item's identity at its source (ninjs uri, NewsML-G2 guid, feed entry id)
    headline: str
    body_html: str = ""  # HTML as the agency sent it; cleaned by nh3 before it reaches an article
    version: int | None = None
    version_created: dt.datetime | None = None
    first_created: dt.datetime | None = None
    status: Status = Status.USABLE
    urgency: int | None = None
    embargo_until: dt.datetime | None = None
    byline: str = ""
    dateline: str = ""
    standfirst: str = ""
    subjects: tuple[Subject, ...] = ()
    language: str = ""
    rights: str = ""
    pictures: tuple[Picture, ...] = ()
    format: str = ""  # which parser read it: "ninjs 1.x", "newsml-g2", "rss"...

    @property
    def digest(self) -> str:
        """A fingerprint of what the agency sent, to tell a resend from a change when an
        item carries neither a version nor a version time (most RSS)."""
        text = "\x1f".join([self.headline, self.standfirst, self.body_html, self.byline, self.status.value])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Skipped:
    """An item left out on purpose (a package, a knowledge item), with the reason."""

    reference: str
    reason: str


@dataclass(frozen=True)
class Unreadable:
    """An item that could not be read: quarantined with its reason and its own text."""

    reference: str
    reason: str
    raw: bytes = b""


@dataclass
class Parsed:
    """What one document held."""

    format: str
    items: list[WireItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
