"""Article bodies are HTML from editors and agencies; they are cleaned on save with nh3.

One allowed set serves the rich editor (content/editor.py configures django-prose-editor
from these names, and a test holds the two together) and every other path: the body is
cleaned here on every save, whatever the widget, the wire or a script sends.

Pasted Word and Google Docs markup is made plain first (`_Tidy`): their styled spans become
<strong>/<em> where they mean bold or italic and vanish otherwise, Google Docs' wrapping
<b id="docs-internal-guid-..."> is dropped, Word's list bullets and <o:p> go, and empty
paragraphs left behind are removed. The final pass is always nh3 with the allowed set, so
nothing the tidying does can let an unsafe tag or attribute through.

Embeds are empty figures the site renders (content/embeds.py):
``<figure data-picture="12"></figure>`` (a picture from the library) and
``<figure data-embed="https://www.youtube.com/watch?v=..."></figure>`` (an allowed
provider's URL); any other value of those attributes is dropped.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

# What the site renders (and the editor offers: content/editor.py).
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "u",
    "a", "br", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "sup", "sub", "abbr", "cite", "q", "hr", "pre", "code",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},  # wire copy's pictures; the editor embeds library pictures
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "type", "data-type"},  # as the editor writes numbered lists
    "figure": {"data-picture", "data-embed"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Providers whose posts may be embedded, by host; the page shows them click-to-load.
EMBED_PROVIDERS = {
    "youtube": {"www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"},
    "x": {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
    "instagram": {"www.instagram.com", "instagram.com"},
}


def embed_provider(url: str) -> str:
    """The provider ('youtube', 'x', 'instagram') of an https URL we embed, or ''."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    if parts.scheme != "https" or not parts.path.strip("/"):
        return ""
    host = (parts.hostname or "").lower()
    return next((name for name, hosts in EMBED_PROVIDERS.items() if host in hosts), "")


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "figure" and name == "data-picture":
        return value if value.isdigit() else None
    if tag == "figure" and name == "data-embed":
        return value if embed_provider(value) else None
    return value


# Before parsing: Word's list bullets are real text hidden in conditional comments.
# Word writes them as <![if !supportLists]>...<![endif]> on the clipboard, and with comment
# dashes in saved files.
_WORD_LIST_MARKER = re.compile(r"<!(?:--)?\[if !supportLists\](?:--)?>.*?<!(?:--)?\[endif\](?:--)?>", re.S | re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.I)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>|<figure></figure>")
_TRAILING_SPACE = re.compile(r"(?:\s|&nbsp;|\xa0)+</p>")
# Line breaks between blocks (Google Docs puts one after each paragraph group) mean nothing.
_BREAK_BETWEEN_BLOCKS = re.compile(r"(^|</(?:p|h2|h3|h4|ul|ol|blockquote|table|figure|pre)>)(?:\s*<br>)+")
_VOID = {"br", "hr", "img"}


class _Tidy(HTMLParser):
    """Rewrites nh3-normalised HTML (balanced tags): styled spans and b/i into strong/em."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.closing: list[str] = []  # what each open tag's end tag becomes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        style = attrs.pop("style", "") or ""
        if tag in ("span", "b", "i"):
            guid = (attrs.get("id") or "").startswith("docs-internal-guid")
            bold = (tag == "b" and not guid and not re.search(r"font-weight\s*:\s*(normal|400)", style, re.I)) \
                or (tag != "b" and bool(_BOLD.search(style)))
            italic = tag == "i" or bool(_ITALIC.search(style))
            opened = (["strong"] if bold else []) + (["em"] if italic else [])
            self.out.append("".join(f"<{t}>" for t in opened))
            self.closing.append("".join(f"</{t}>" for t in reversed(opened)))
            return
        rendered = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in attrs.items())
        self.out.append(f"<{tag}{rendered}>")
        if tag not in _VOID:
            self.closing.append(f"</{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.closing:
            self.out.append(self.closing.pop())

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def _tidy(html: str) -> str:
    # First pass: the allowed set plus what tidying reads (spans, b/i and their styles).
    loose = nh3.clean(
        _WORD_LIST_MARKER.sub("", html),
        tags=ALLOWED_TAGS | {"span", "b", "i"},
        attributes=ALLOWED_ATTRIBUTES | {"span": {"style"}, "b": {"style", "id"}, "i": {"style"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    parser = _Tidy()
    parser.feed(loose)
    parser.close()
    return "".join(parser.out)


def clean_html(html: str) -> str:
    """Remove scripts, event attributes, javascript: links, styles and anything else not in
    the allowed set; make pasted Word/Google Docs markup plain."""
    cleaned = nh3.clean(
        _tidy(html or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    cleaned = cleaned.replace("<strong></strong>", "").replace("<em></em>", "")
    cleaned = _TRAILING_SPACE.sub("</p>", _EMPTY_PARAGRAPH.sub("", cleaned))
    return _BREAK_BETWEEN_BLOCKS.sub(r"\1", cleaned).strip()


def plain_text(html: str) -> str:
    return nh3.clean(html or "", tags=set()).strip()
