"""RSS 2.0 and Atom feeds, read by feedparser after defusedxml has vetted the XML.

feedparser is lenient by design; the XML is first checked by defusedxml (no DTD, no
entities, no external references, well-formed), so a hostile feed is refused before
feedparser sees it. Each entry is an item known by its id (or link); entries carry no
version number, so their update time (or, lacking one, their content) tells a new version.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re

from masthead.wire.items import Parsed, Picture, Subject, Unreadable, WireItem
from masthead.wire.parsers.base import ParseError, as_html, read_xml, squash

ROOTS = {"rss", "feed", "RDF"}


def _moment(parsed_time) -> dt.datetime | None:
    if not parsed_time:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed_time), tz=dt.timezone.utc)


def _pictures(entry) -> tuple[Picture, ...]:
    found = []
    for media in entry.get("media_content") or []:
        url, kind = media.get("url", ""), media.get("type", "") or ("image/" if media.get("medium") == "image" else "")
        if url and kind.startswith("image"):
            found.append(Picture(href=url, media_type=kind, caption=squash(entry.get("media_description", "")),
                                 credit=squash(entry.get("media_credit", "") if isinstance(entry.get("media_credit"), str) else "")))
    for enclosure in entry.get("enclosures") or []:
        if enclosure.get("href") and (enclosure.get("type") or "").startswith("image/"):
            found.append(Picture(href=enclosure["href"], media_type=enclosure["type"]))
    return tuple(found)


def entry_item(entry, feed_language: str, rights: str) -> WireItem:
    headline = squash(entry.get("title", ""))
    if not headline:
        raise ValueError("the entry has no title")
    contents = entry.get("content") or []
    summary = entry.get("summary", "")
    body = contents[0].get("value", "") if contents else summary
    standfirst = squash(re.sub(r"<[^>]+>", " ", summary)) if contents and summary else ""
    guid = entry.get("id") or entry.get("link") or "sha256:" + hashlib.sha256(headline.encode()).hexdigest()
    published = _moment(entry.get("published_parsed"))
    return WireItem(
        guid=guid.strip(),
        headline=headline,
        body_html=as_html(body),
        version_created=_moment(dict.get(entry, "updated_parsed")) or published,
        first_created=published,
        byline=squash(entry.get("author", "")),
        standfirst=standfirst,
        subjects=tuple(Subject(code=t.get("term") or "", name=t.get("label") or t.get("term") or "")
                       for t in entry.get("tags") or [] if t.get("term") or t.get("label")),
        language=entry.get("language") or feed_language,
        rights=squash(entry.get("rights", "") or rights),
        pictures=_pictures(entry),
        format="atom" if entry.get("_atom") else "rss",
    )


class Feed:
    """RSS 2.0 (and RSS 1.0) and Atom."""

    name = "feed"

    def sniff(self, head: bytes) -> bool:
        match = re.search(rb"<\s*(?:[A-Za-z0-9_]+:)?([A-Za-z]+)[\s>/]", re.sub(rb"<[?!][^>]*>", b"", head[:4096]))
        return bool(match) and match.group(1).decode() in ROOTS

    def parse(self, data: bytes) -> Parsed:
        import feedparser

        root = read_xml(data)  # refuses DTDs, entities and external references, and broken XML
        kind = "atom" if root.tag.endswith("feed") else "rss"
        document = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        if not document.get("version") and not document.entries:
            raise ParseError("neither an RSS nor an Atom feed")
        language = document.feed.get("language", "")
        rights = document.feed.get("rights", "")
        parsed = Parsed(format=kind)
        for position, entry in enumerate(document.entries, start=1):
            if kind == "atom":
                entry["_atom"] = True
            try:
                parsed.items.append(entry_item(entry, language, rights))
            except ValueError as exc:
                parsed.unreadable.append(Unreadable(entry.get("id") or f"entry {position}", str(exc),
                                                    repr(dict(entry)).encode()[:20000]))
        return parsed
