"""Ad slots: the publisher's markup per slot, cleaned and parsed once per process per change.

Ad markup is HTML typed by staff, shown on every reader page (where staff are signed in
too), so it is never trusted as it stands: it is cleaned with an allow-list when a slot
is saved and again when it is loaded to render, so markup stored any other way (an old
row, a fixture, a database edit) is cleaned as well. What an ad needs survives:
links (opening where they say, marked sponsored), images, simple boxes with inline
layout styles, and iframes, but only from the ad hosts the publisher configures
(settings.MASTHEAD_AD_HOSTS), sandboxed so they cannot navigate the page. Scripts, event
attributes, forms, other iframes and positioning styles do not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings

from masthead.core import cache

NAMESPACE = "accounts"  # organisations and ad slots: staff-edited configuration
TTL = dt.timedelta(hours=1)

ALLOWED_TAGS = {
    "a", "img", "picture", "source", "iframe", "div", "span", "p", "strong", "em", "b", "i", "br",
    "small", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "style", "aria-label"},
    "a": {"href", "target"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading"},
    "source": {"srcset", "sizes", "media", "type"},
    "iframe": {"src", "width", "height", "loading", "allow"},
}
# Layout and colour only: nothing that takes an ad out of its box (position, z-index...).
ALLOWED_STYLES = {
    "display", "align-items", "justify-content", "flex-direction", "gap", "text-align", "vertical-align",
    "width", "height", "max-width", "max-height", "min-width", "min-height", "box-sizing", "overflow",
    "margin", "padding", "border", "border-radius", "background", "background-color", "color",
    "font", "font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing",
    "text-decoration", "text-transform",
}
# The ad's own frame may run its scripts and open the advertiser's page in a new tab on a
# click, but never navigate or script the reader's page.
IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"


def _is_ad_host(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed) for allowed in _ad_hosts()
    )


def _ad_hosts() -> list[str]:
    return [h.lower().strip(".") for h in settings.MASTHEAD_AD_HOSTS if h.strip(".")]


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "iframe" and name == "src":
        return value if _is_ad_host(value) else None
    if tag == "a" and name == "target":
        return value if value in ("_blank", "_self") else None
    return value


# In nh3's output (attributes always double-quoted), an iframe whose src was refused.
_FRAME_WITHOUT_SOURCE = re.compile(r'<iframe(?:\s(?!src=)[-a-z]+="[^"]*")*>.*?</iframe>', re.DOTALL)


def clean_markup(markup: str) -> str:
    """The markup with everything outside the ad allow-list removed.

    An iframe from a host that is not an ad host goes whole, not as an empty frame.
    """
    cleaned = nh3.clean(
        markup or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute,
        filter_style_properties=ALLOWED_STYLES,
        set_tag_attribute_values={"iframe": {"sandbox": IFRAME_SANDBOX, "referrerpolicy": "origin"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="sponsored noopener noreferrer",
        strip_comments=True,
    )
    return _FRAME_WITHOUT_SOURCE.sub("", cleaned)


class _Parts(HTMLParser):
    """The tags and attributes of a fragment, counted (what cleaning may take away)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.found: Counter[str] = Counter()
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found[f"<{tag}>"] += 1
        for name, _value in attrs:
            self.found[f"{name} on <{tag}>"] += 1


def removed_parts(typed: str, cleaned: str) -> list[str]:
    """What cleaning took out of the typed markup, e.g. ["<script>", "onerror on <img>"]."""
    return sorted((_Parts(typed).found - _Parts(cleaned).found).keys())


@dataclass(frozen=True)
class Slot:
    name: str
    markup: str
    width: int
    height: int


def _load() -> dict[str, Slot]:
    from masthead.accounts.models import AdSlot

    return {
        s.name: Slot(s.name, clean_markup(s.markup), s.width, s.height)
        for s in AdSlot.objects.filter(is_active=True)
    }


def slots(request=None) -> dict[str, Slot]:
    """Every active slot by name: one query per process after a change, none otherwise
    (kept in-process under the accounts version, which saving or deleting a slot bumps)."""
    return cache.remember(NAMESPACE, "ad-slots", _load, ttl=TTL, local=True)
