"""What the body's embeds look like on the page (the body stores them as empty figures; see
content/sanitize.py for what may be stored).

- ``<figure data-picture="12"></figure>``: the library picture, as <picture> with
  renditions, its caption and credit; a picture no longer in the library is left out.
- ``<figure data-embed="https://...">``: a click-to-load block. Nothing is requested from
  the provider until the reader clicks (static content/embeds.js adds the button and swaps
  in the provider's frame); without JavaScript it is a plain link to the post.

Rendered with the article's parts (content/rendering.py), after the body is split into
teaser and rest, so an embed past the teaser is part of the gated rest and nothing of it
(not even a picture address) reaches a reader who may not read it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html

from masthead.content import renditions
from masthead.content.sanitize import embed_provider

_EMBED = re.compile(r'<figure data-(picture|embed)="([^"]*)"></figure>')
PROVIDER_NAMES = {"youtube": "YouTube", "x": "X", "instagram": "Instagram"}
_ACTION = {"youtube": "Watch the video on YouTube", "x": "See the post on X", "instagram": "See the post on Instagram"}


def picture_ids(html: str) -> set[int]:
    return {int(value) for kind, value in _EMBED.findall(html or "") if kind == "picture" and value.isdigit()}


def frame_url(url: str) -> str:
    """The provider's embeddable frame for a post URL ('' when we cannot tell its id)."""
    provider, parts = embed_provider(url), urlsplit(url)
    path = [p for p in parts.path.split("/") if p]
    if provider == "youtube":
        video = parse_qs(parts.query).get("v", [""])[0] if path[:1] == ["watch"] else (
            path[0] if parts.hostname == "youtu.be" else path[1] if len(path) > 1 and path[0] in ("embed", "shorts", "live") else "")
        return f"https://www.youtube-nocookie.com/embed/{video}" if re.fullmatch(r"[\w-]{6,20}", video or "") else ""
    if provider == "x":
        status = path[path.index("status") + 1] if "status" in path and path.index("status") + 1 < len(path) else ""
        return f"https://platform.twitter.com/embed/Tweet.html?id={status}&dnt=true" if status.isdigit() else ""
    if provider == "instagram":
        if len(path) >= 2 and path[0] in ("p", "reel", "tv") and re.fullmatch(r"[\w-]+", path[1]):
            return f"https://www.instagram.com/{path[0]}/{path[1]}/embed/"
    return ""


def _provider_block(url: str) -> str:
    """A link to the post; the page's script (static content/embeds.js) adds a button that
    loads the provider's frame only when the reader clicks it."""
    provider = embed_provider(url)
    frame = frame_url(url)
    frame_attrs = format_html(' data-embed-frame="{}" data-embed-provider="{}"', frame, PROVIDER_NAMES[provider]) \
        if frame else ""
    return format_html(
        '<figure class="embed embed--{}"{}><a class="embed__link" href="{}" rel="noopener noreferrer">{}</a></figure>',
        provider, frame_attrs, url, _ACTION[provider],
    )


def _picture_block(picture) -> str:
    credit = format_html(' <span class="article__credit">{}</span>', picture.credit) if picture.credit else ""
    caption = format_html("<figcaption>{}{}</figcaption>", picture.caption, credit) if picture.caption or credit else ""
    return format_html(
        '<figure class="article__figure article__figure--body">{}{}</figure>',
        renditions.picture_html(picture, crop="full", sizes=renditions.SIZES["story"]), caption,
    )


def render_embeds(html: str, pictures: dict) -> str:
    """The body part with its embeds rendered; `pictures` maps ids to library Pictures."""
    def replace(match):
        kind, value = match.groups()
        if kind == "picture":
            picture = pictures.get(int(value)) if value.isdigit() else None
            return _picture_block(picture) if picture is not None else ""
        return _provider_block(value) if embed_provider(value) else ""

    return _EMBED.sub(replace, html or "")
