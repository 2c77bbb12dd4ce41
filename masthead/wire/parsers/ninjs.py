"""ninjs (News in JSON, IPTC) 1.x, 2.x and 3.0.

The versions name the same things differently: 1.x has `headline`, `body_xhtml`,
`body_text`, `byline`, `subject` and `versioncreated`; 2.x moves to `headlines` and
`bodies` lists and `by`; 3.0 writes every name in camelCase (`versionCreated`,
`pubStatus`, `subjects`) and turns `associations` and `renditions` into lists. Keys are
read case-insensitively and each field is looked up under all of its names, so one small
reader serves every version. A document is one item, or a JSON list of items.
"""

from __future__ import annotations

import json

from masthead.wire.items import Parsed, Picture, Skipped, Status, Subject, Unreadable, WireItem
from masthead.wire.parsers.base import ParseError, as_html, number, paragraphs_html, squash, when

TEXT_TYPES = {"", "text", "composite"}
PREFERRED_RENDITIONS = ("original", "baseimage", "highres", "large", "viewimage", "preview")


def _lower_keys(value):
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _main(entries, roles=("main", "")) -> str:
    """The value of the 'main' entry of a 2.x/3.0 list (headlines, descriptions), else the first."""
    if not isinstance(entries, list):
        return ""
    usable = [e for e in entries if isinstance(e, dict) and _text(e.get("value"))]
    for role in roles:
        for entry in usable:
            if _text(entry.get("role")).lower() == role:
                return _text(entry["value"])
    return _text(usable[0]["value"]) if usable else ""


def _body(item: dict) -> str:
    for key in ("body_xhtml", "body_html"):
        if _text(item.get(key)):
            return as_html(item[key])
    bodies = [b for b in item.get("bodies") or [] if isinstance(b, dict) and _text(b.get("value"))]
    for body in bodies:
        kind = (_text(body.get("contenttype")) + " " + _text(body.get("role"))).lower()
        if "html" in kind:
            return as_html(body["value"])
    if _text(item.get("body_text")):
        return paragraphs_html(item["body_text"])
    return paragraphs_html(bodies[0]["value"]) if bodies else ""


def _standfirst(item: dict) -> str:
    text = _text(item.get("description_text")) or _main(item.get("descriptions"), roles=("summary", "main", ""))
    if not text and _text(item.get("description_html")):
        import nh3

        text = nh3.clean(item["description_html"], tags=set())
    return squash(text)


def _subjects(item: dict) -> tuple[Subject, ...]:
    found = []
    for key in ("subject", "subjects", "genre"):
        for entry in item.get(key) or []:
            if isinstance(entry, dict):
                code = _text(entry.get("code")) or _text(entry.get("uri"))
                scheme = _text(entry.get("scheme"))
                if code and scheme and ":" not in code and "mediatopic" in scheme:
                    code = f"medtop:{code}"
                subject = Subject(code=code, name=_text(entry.get("name")))
                if (subject.code or subject.name) and subject not in found:
                    found.append(subject)
    return tuple(found)


def _rendition_href(renditions) -> str:
    if isinstance(renditions, dict):
        renditions = [dict(value, name=name) for name, value in renditions.items() if isinstance(value, dict)]
    if not isinstance(renditions, list):
        return ""
    usable = [r for r in renditions if isinstance(r, dict) and _text(r.get("href"))]
    for wanted in PREFERRED_RENDITIONS:
        for rendition in usable:
            if _text(rendition.get("name")).lower() == wanted:
                return _text(rendition["href"])
    usable.sort(key=lambda r: number(r.get("width")) or 0, reverse=True)
    return _text(usable[0]["href"]) if usable else ""


def _pictures(item: dict) -> tuple[Picture, ...]:
    associations = item.get("associations") or []
    if isinstance(associations, dict):
        associations = list(associations.values())
    pictures = []
    for assoc in associations:
        if not isinstance(assoc, dict) or _text(assoc.get("type")).lower() not in ("picture", "graphic", ""):
            continue
        href = _rendition_href(assoc.get("renditions")) or _text(assoc.get("uri") if _text(assoc.get("uri")).startswith(("http://", "https://")) else "")
        if not href:
            continue
        caption = (_text(assoc.get("description_text")) or _main(assoc.get("descriptions"), roles=("caption", "summary", "main", ""))
                   or _text(assoc.get("headline")) or _main(assoc.get("headlines")))
        credit = _text(assoc.get("byline")) or _text(assoc.get("by")) or _text(assoc.get("copyrightholder"))
        alt = _text(assoc.get("headline")) or _main(assoc.get("headlines")) or caption
        pictures.append(Picture(href=href, caption=squash(caption), credit=squash(credit), alt=squash(alt)))
    return tuple(pictures)


def _version_family(item: dict, raw_keys) -> str:
    if any(k != k.lower() for k in raw_keys):
        return "ninjs 3.0"
    return "ninjs 2.x" if "headlines" in item or "bodies" in item else "ninjs 1.x"


def item_from(raw: dict) -> WireItem | Skipped:
    """One ninjs object as a WireItem (or Skipped for a picture or video on its own)."""
    item = _lower_keys(raw)
    guid = _text(item.get("uri")) or _text(item.get("guid"))
    if not guid:
        raise ValueError("the item has no 'uri' (its identity)")
    kind = _text(item.get("type")).lower()
    if kind not in TEXT_TYPES:
        return Skipped(guid, f"a {kind} item on its own carries no story text")
    headline = squash(_text(item.get("headline")) or _main(item.get("headlines")))
    if not headline:
        raise ValueError("the item has no headline")
    rights = " ".join(filter(None, (_text(item.get("copyrightnotice")), _text(item.get("usageterms")))))
    rights = rights or _text(item.get("copyrightholder"))
    embargo = item.get("embargoed") or item.get("embargoeduntil")
    if isinstance(embargo, dict):  # 2.x/3.0 may send {"embargoedUntil": ...}
        embargo = embargo.get("embargoeduntil") or embargo.get("value")
    return WireItem(
        guid=guid,
        headline=headline,
        body_html=_body(item),
        version=number(item.get("version")),
        version_created=when(item.get("versioncreated")),
        first_created=when(item.get("firstcreated")) or when(item.get("contentcreated")),
        status=Status.parse(_text(item.get("pubstatus"))),
        urgency=number(item.get("urgency")),
        embargo_until=when(embargo),
        byline=squash(_text(item.get("byline")) or _text(item.get("by"))),
        dateline=squash(_text(item.get("located"))) if isinstance(item.get("located"), str) else "",
        standfirst=_standfirst(item),
        subjects=_subjects(item),
        language=_text(item.get("language")),
        rights=squash(rights),
        pictures=_pictures(item),
        format=_version_family(item, raw.keys()),
    )


class Ninjs:
    """ninjs 1.x, 2.x and 3.0 documents: one item or a list of items."""

    name = "ninjs"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")

    def parse(self, data: bytes) -> Parsed:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                             "ninjs must be UTF-8") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"truncated or invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        if isinstance(document, dict) and isinstance(document.get("items"), list) and "uri" not in document:
            document = document["items"]
        entries = document if isinstance(document, list) else [document]
        parsed = Parsed(format="ninjs")
        for position, entry in enumerate(entries, start=1):
            reference = f"item {position}"
            if not isinstance(entry, dict):
                parsed.unreadable.append(Unreadable(reference, "not a JSON object", json.dumps(entry).encode()[:10000]))
                continue
            reference = str(entry.get("uri") or reference)[:300]
            try:
                found = item_from(entry)
            except (ValueError, TypeError, AttributeError) as exc:
                parsed.unreadable.append(Unreadable(reference, str(exc), json.dumps(entry, ensure_ascii=False).encode()))
                continue
            (parsed.skipped if isinstance(found, Skipped) else parsed.items).append(found)
        if parsed.items:
            parsed.format = parsed.items[0].format
        return parsed
