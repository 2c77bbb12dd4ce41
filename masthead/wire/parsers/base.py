"""What every parser shares: the interface, the error, times, text and the XML reader."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Protocol

from django.utils.dateparse import parse_datetime

from masthead.wire.items import Parsed


class ParseError(Exception):
    """The document as a whole cannot be read (its reason is shown in the quarantine)."""


class Parser(Protocol):
    """One format: does a document look like mine, and what does it hold."""

    name: str

    def sniff(self, head: bytes) -> bool:
        """True when the document's first bytes look like this format."""

    def parse(self, data: bytes) -> Parsed:
        """Every item of the document, in Masthead's words; ParseError if none can be read."""


def when(value) -> dt.datetime | None:
    """An agency time ('2018-10-21T16:25:32-05:00', '...Z', a date alone) as an aware UTC
    datetime, or None when absent or unreadable (a bad time never sinks a story)."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        text += "T00:00:00Z"
    try:
        moment = parse_datetime(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def number(value) -> int | None:
    """A version or urgency ('11', 4) as an int, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def squash(text) -> str:
    """Whitespace runs (an XML file's indentation) as single spaces."""
    return re.sub(r"\s+", " ", text or "").strip() if isinstance(text, str) else ""


BLOCK_TAG = re.compile(r"<\s*(p|div|section|h[1-6]|ul|ol|table|blockquote|figure|pre)\b", re.I)


def paragraphs_html(text: str) -> str:
    """Plain text as paragraphs: one per blank-line-separated block (one block: one paragraph)."""
    blocks = [squash(block) for block in re.split(r"\n\s*\n", text or "")]
    return "".join(f"<p>{html.escape(block, quote=False)}</p>" for block in blocks if block)


def as_html(value: str) -> str:
    """An agency's 'HTML' body: wrapped in a paragraph when it has no block element at all
    (some send bare text under an xhtml role)."""
    value = (value or "").strip()
    if not value:
        return ""
    if BLOCK_TAG.search(value):
        return value
    return paragraphs_html(html.unescape(re.sub(r"<[^>]+>", "", value))) if "<" in value else paragraphs_html(value)


def read_xml(data: bytes):
    """Parse XML safely: no DTD, no entities, no external references, no network (defusedxml).

    Raises ParseError naming what was refused or where the XML broke.
    """
    from xml.etree.ElementTree import ParseError as XMLSyntaxError

    import defusedxml
    from defusedxml import ElementTree

    try:
        return ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise ParseError("refused: the XML declares a DTD (entity expansion and external references are not allowed)")
    except defusedxml.EntitiesForbidden:
        raise ParseError("refused: the XML declares entities (entity expansion is not allowed)")
    except defusedxml.ExternalReferenceForbidden:
        raise ParseError("refused: the XML refers to an external resource")
    except defusedxml.DefusedXmlException as exc:
        raise ParseError(f"refused: unsafe XML ({exc.__class__.__name__})")
    except XMLSyntaxError as exc:
        raise ParseError(f"not well-formed XML: {exc}")
    except (ValueError, LookupError) as exc:  # an unknown or lying encoding declaration
        raise ParseError(f"unreadable XML: {exc}")


def local_name(tag) -> str:
    """'{http://iptc.org/std/nar/2006-10-01/}newsItem' -> 'newsItem'."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
