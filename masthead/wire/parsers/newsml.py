"""NewsML-G2 news items with NITF or XHTML bodies (and bare NITF documents).

A document is a `newsItem`, a `newsMessage` holding items, or, as agencies also send, a
bare `nitf` document or `contentSet` fragment (identified by its content, since it carries
no guid). Package, knowledge, concept and planning items, and picture or video items on
their own, are skipped with the reason. XML is read only through defusedxml
(`base.read_xml`): no DTD, no entities, no external references, no network.
"""

from __future__ import annotations

import hashlib
import html
import re

from masthead.wire.items import Parsed, Picture, Skipped, Status, Subject, Unreadable, WireItem
from masthead.wire.parsers.base import ParseError, local_name, number, paragraphs_html, read_xml, squash, when

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SKIPPED_ROOTS = {
    "packageItem": "a package item (it groups other items; each story comes as its own news item)",
    "knowledgeItem": "a knowledge item (concepts, not a story)",
    "conceptItem": "a concept item (a vocabulary entry, not a story)",
    "planningItem": "a planning item (coverage plans, not a story)",
    "catalog": "a catalog (vocabularies, not a story)",
}
ROOTS = {"newsItem", "newsMessage", "nitf", "contentSet", *SKIPPED_ROOTS}

# NITF and XHTML element -> HTML element; anything else is unwrapped (its text kept).
HTML_TAGS = {
    "p": "p", "hl2": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "ul": "ul", "ol": "ol", "li": "li",
    "dl": "ul", "dt": "li", "dd": "li", "em": "em", "i": "em", "strong": "strong", "b": "strong",
    "q": "q", "blockquote": "blockquote", "bq": "blockquote", "br": "br", "pre": "pre",
    "table": "table", "thead": "thead", "tbody": "tbody", "tr": "tr", "td": "td", "th": "th",
    "caption": "caption", "a": "a", "sup": "sup", "sub": "sub", "cite": "cite", "code": "code",
}
DROPPED = {"script", "style", "object", "iframe", "embed", "head", "title", "media", "body.head", "body.end", "noscript"}


def _children(element, name: str):
    return [child for child in element if local_name(child.tag) == name]


def _first(element, path: str):
    """The first descendant along 'a/b/c' (namespace-blind), or None."""
    found = [element]
    for name in path.split("/"):
        found = [child for parent in found for child in parent if local_name(child.tag) == name]
        if not found:
            return None
    return found[0]


def _text(element) -> str:
    return squash("".join(element.itertext())) if element is not None else ""


def to_html(element) -> str:
    """An NITF or XHTML element's content as HTML (nh3 cleans it again before it is saved)."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        name = local_name(child.tag)
        if name not in DROPPED:
            tag = HTML_TAGS.get(name)
            inner = to_html(child)
            if tag == "br":
                parts.append("<br>")
            elif tag == "a":
                href = child.get("href", "")
                parts.append(f'<a href="{html.escape(href)}">{inner}</a>' if href else inner)
            elif tag:
                parts.append(f"<{tag}>{inner}</{tag}>")
            else:
                parts.append(inner)
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def _tidy(markup: str) -> str:
    return re.sub(r"\s+", " ", markup).strip()


class _Body:
    def __init__(self, html_text="", headline="", byline="", dateline="", abstract=""):
        self.html, self.headline, self.byline, self.dateline, self.abstract = html_text, headline, byline, dateline, abstract


def _nitf_body(nitf) -> _Body:
    head = _first(nitf, "body/body.head")
    content = _first(nitf, "body/body.content")
    byline = _text(_first(head, "byline")) if head is not None else ""
    return _Body(
        html_text=_tidy(to_html(content)) if content is not None else "",
        headline=_text(_first(head, "hedline/hl1")) if head is not None else "",
        byline=re.sub(r"^by\s+", "", byline, flags=re.I),
        dateline=_text(_first(head, "dateline")) if head is not None else "",
        abstract=_text(_first(head, "abstract")) if head is not None else "",
    )


def _content_body(content_set) -> _Body:
    """The story text of a contentSet: NITF, XHTML or plain text, in that order of preference."""
    if content_set is None:
        return _Body()
    for inline in _children(content_set, "inlineXML"):
        for child in inline:
            name = local_name(child.tag)
            if name == "nitf":
                return _nitf_body(child)
            if name in ("html", "body", "div", "section"):
                body = _first(child, "body") if name == "html" else child
                return _Body(html_text=_tidy(to_html(body if body is not None else child)))
    for inline in _children(content_set, "inlineData"):
        if "text" in (inline.get("contenttype") or "text/plain") and (inline.text or "").strip():
            return _Body(html_text=paragraphs_html(inline.text))
    return _Body()


def _pictures(content_set) -> tuple[Picture, ...]:
    pictures = []
    for remote in _children(content_set, "remoteContent") if content_set is not None else []:
        kind = remote.get("contenttype") or ""
        href = remote.get("href") or remote.get("residref") or ""
        if href and kind.startswith("image/"):
            pictures.append(Picture(href=href, media_type=kind))
    return tuple(pictures)


def _subjects(meta) -> tuple[Subject, ...]:
    found = []
    for subject in _children(meta, "subject") if meta is not None else []:
        names = _children(subject, "name")
        english = [n for n in names if (n.get(XML_LANG) or "en").lower().startswith("en")]
        name = _text((english or names)[0]) if names else ""
        found.append(Subject(code=subject.get("qcode") or subject.get("uri") or "", name=name))
    return tuple(s for s in found if s.code or s.name)


def news_item(element) -> WireItem | Skipped:
    """One newsItem as a WireItem (Skipped for a picture or video item on its own)."""
    guid = (element.get("guid") or "").strip()
    if not guid:
        raise ValueError("the news item has no guid")
    item_meta = _first(element, "itemMeta")
    content_meta = _first(element, "contentMeta")
    item_class = (_first(element, "itemMeta/itemClass").get("qcode", "") if _first(element, "itemMeta/itemClass") is not None else "")
    if item_class and not item_class.endswith(("text", "composite")):
        return Skipped(guid, f"a {item_class.rsplit(':', 1)[-1]} item on its own carries no story text")
    body = _content_body(_first(element, "contentSet"))
    headline = _text(_first(content_meta, "headline")) if content_meta is not None else ""
    headline = headline or body.headline
    if not headline:
        raise ValueError("the news item has no headline")

    def meta_time(parent, name):
        return when(_text(_first(parent, name))) if parent is not None else None

    creators = [_text(_first(c, "name")) for c in _children(content_meta, "creator")] if content_meta is not None else []
    creators = [name for name in creators if name]
    standfirst = ""
    for description in _children(content_meta, "description") if content_meta is not None else []:
        standfirst = _text(description)
        if "summary" in (description.get("role") or ""):
            break
    language = ""
    if content_meta is not None and _first(content_meta, "language") is not None:
        language = _first(content_meta, "language").get("tag", "")
    rights = _first(element, "rightsInfo")
    status = _first(element, "itemMeta/pubStatus")
    urgency = _text(_first(content_meta, "urgency")) if content_meta is not None else ""
    dateline = ""
    if content_meta is not None:
        dateline = _text(_first(content_meta, "dateline")) or _text(_first(content_meta, "located/name"))
    return WireItem(
        guid=guid,
        headline=headline,
        body_html=body.html,
        version=number(element.get("version")),
        version_created=meta_time(item_meta, "versionCreated"),
        first_created=meta_time(item_meta, "firstCreated") or meta_time(content_meta, "contentCreated"),
        status=Status.parse(status.get("qcode") if status is not None else ""),
        urgency=number(urgency),
        embargo_until=meta_time(item_meta, "embargoed"),
        byline=" and ".join(creators) if creators else body.byline,
        dateline=dateline or body.dateline,
        standfirst=standfirst or body.abstract,
        subjects=_subjects(content_meta),
        language=language or element.get(XML_LANG, ""),
        rights=" ".join(filter(None, (_text(_first(rights, "copyrightNotice")), _text(_first(rights, "usageTerms")))))
        if rights is not None else "",
        pictures=_pictures(_first(element, "contentSet")),
        format="newsml-g2",
    )


def bare_nitf(root, data: bytes) -> WireItem:
    """A NITF document or contentSet fragment with no envelope: known by its content."""
    nitf = root if local_name(root.tag) == "nitf" else _first(root, "inlineXML/nitf")
    body = _nitf_body(nitf) if nitf is not None else _content_body(root)
    if not body.headline:
        raise ValueError("the NITF document has no headline (hl1)")
    doc_id = _first(nitf, "head/docdata/doc-id") if nitf is not None else None
    guid = (doc_id.get("id-string") if doc_id is not None else "") or "sha256:" + hashlib.sha256(data).hexdigest()
    return WireItem(
        guid=guid, headline=body.headline, body_html=body.html, byline=body.byline, dateline=body.dateline,
        standfirst=body.abstract, format="nitf",
    )


class NewsMLG2:
    """NewsML-G2 items and messages, NITF documents."""

    name = "newsml-g2"

    def sniff(self, head: bytes) -> bool:
        match = re.search(rb"<\s*(?:[A-Za-z0-9_]+:)?([A-Za-z]+)[\s>/]", re.sub(rb"<[?!][^>]*>", b"", head[:4096]))
        return bool(match) and match.group(1).decode() in ROOTS

    def parse(self, data: bytes) -> Parsed:
        root = read_xml(data)
        name = local_name(root.tag)
        parsed = Parsed(format=self.name)
        if name in SKIPPED_ROOTS:
            parsed.skipped.append(Skipped(root.get("guid") or name, SKIPPED_ROOTS[name]))
            return parsed
        if name in ("nitf", "contentSet"):
            try:
                parsed.items.append(bare_nitf(root, data))
            except ValueError as exc:
                raise ParseError(str(exc)) from None
            parsed.format = "nitf"
            return parsed
        if name == "newsItem":
            elements = [root]
        elif name == "newsMessage":
            item_set = _first(root, "itemSet")
            elements = list(item_set) if item_set is not None else []
        else:
            raise ParseError(f"a <{name}> document is not NewsML-G2 or NITF")
        for element in elements:
            kind = local_name(element.tag)
            reference = element.get("guid") or kind
            if kind in SKIPPED_ROOTS:
                parsed.skipped.append(Skipped(reference, SKIPPED_ROOTS[kind]))
                continue
            if kind != "newsItem":
                continue
            try:
                found = news_item(element)
            except (ValueError, AttributeError) as exc:
                from xml.etree.ElementTree import tostring

                parsed.unreadable.append(Unreadable(reference, str(exc), tostring(element)))
                continue
            (parsed.skipped if isinstance(found, Skipped) else parsed.items).append(found)
        return parsed
