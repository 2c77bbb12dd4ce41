"""Article bodies are HTML from editors and agencies; they are cleaned on save with nh3."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i", "u",
    "a", "br", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "sup", "sub", "abbr", "cite", "q", "hr", "pre", "code", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Remove scripts, event attributes, javascript: links and anything else unsafe."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    return nh3.clean(html or "", tags=set()).strip()
