"""Cached renderings of an article's parts, so a page is cached parts plus one decision.

For each article version (pk, modified_at) this builds, once: the header (headline,
standfirst, byline, dates, lead image), the teaser (the first N paragraphs' top-level
blocks) and the rest of the body, the footer (wire disclaimer, tags), the Open Graph
and Twitter meta (headline and standfirst only, never the body) and the JSON-LD.

Both are kept in the versioned cache (masthead.core.cache) under the content version,
which every editorial change, save and delete replaces, so neither can serve text of a
story that changed, was withdrawn or deleted:
- `facts_for_slug(slug)`: slug -> the small ArticleFacts map (or None), in-process;
- `parts_for(facts)`: the rendered parts by (pk, modified_at, teaser length, rules
  version), in-process and in the shared cache.
The body never enters ArticleFacts; the gated rest of the body only leaves this module
inside `ArticleParts.rest_html`, which the page inserts only when the decision grants.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from masthead.content import embeds, renditions
from masthead.content.bylines import byline
from masthead.content.models import is_live
from masthead.content.pictures import Picture
from masthead.content.teaser import split_teaser
from masthead.core import cache, metrics
from masthead.core.templatetags.masthead_time import machine_time

PAYWALLED_CLASS = "paywalled-content"
FACTS_TTL = dt.timedelta(minutes=5)
PARTS_TTL = dt.timedelta(hours=24)
RENDERING = "v5"  # names how parts are rendered: change it when that changes


@dataclass(frozen=True)
class ArticleFacts:
    """What the hot path needs before any rendering: no body, no text beyond the URL."""

    pk: int
    slug: str
    status: str
    published_at: dt.datetime | None
    modified_at: dt.datetime
    url: str
    # What the access decision needs (access.service.item_facts builds its ItemFacts from these).
    access: str
    section_slug: str
    section_is_premium: bool
    tag_slugs: frozenset[str]
    content_version: str = ""  # the content version these facts were read under

    def is_live(self, now: dt.datetime) -> bool:
        return is_live(self.status, self.published_at, now)


@dataclass(frozen=True)
class ArticleParts:
    """The rendered parts of one article version; rest_html is the gated part."""

    pk: int
    url: str
    absolute_url: str
    headline: str
    standfirst: str  # plain text
    header_html: SafeString
    teaser_html: SafeString
    rest_html: SafeString  # the gated part: inserted only when the decision grants
    footer_html: SafeString
    meta_html: SafeString
    jsonld_html: SafeString
    teaser_paragraphs: int
    version: str = ""  # names this rendering (article version, content version, rules)


# --- the parts ---------------------------------------------------------------------------------

def public_url(publication) -> str:
    return (getattr(publication, "public_url", "") or settings.MASTHEAD_PUBLIC_URL).rstrip("/")


def _jsonld(article, publication, absolute_url: str, image_url: str, free: bool) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.summary,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.updated_at or article.published_at or article.modified_at).isoformat(),
        "author": [{"@type": "Person", "name": a.name} for a in article.authors.all()]
        or [{"@type": "Organization", "name": article.source.name if article.source_id else publication.name}],
        "publisher": {"@type": "Organization", "name": publication.name},
        "articleSection": article.section.name,
        "mainEntityOfPage": absolute_url,
        "isAccessibleForFree": free,
    }
    if image_url:
        data["image"] = [image_url]
    notes = list(article.corrections.all())
    if notes:
        # The newest note is the story's last change for readers (its "Updated" time too).
        data["dateModified"] = max(notes[-1].at, article.updated_at or notes[-1].at).isoformat()
    corrections = [note for note in notes if note.kind == "correction"]
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": note.text, "datePublished": note.at.isoformat()}
            for note in corrections
        ]
    if not free:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": "." + PAYWALLED_CLASS,
        }
    return data


def jsonld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> that cannot be closed early by its content."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _meta(article, absolute_url: str, image_url: str, publication) -> SafeString:
    title, summary = article.headline, article.summary
    tags = [
        ("name", "description", summary),
        ("property", "og:type", "article"),
        ("property", "og:site_name", publication.name),
        ("property", "og:title", title),
        ("property", "og:description", summary),
        ("property", "og:url", absolute_url),
        ("name", "twitter:card", "summary_large_image" if image_url else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", summary),
    ]
    if image_url:
        tags += [("property", "og:image", image_url), ("name", "twitter:image", image_url)]
    html = format_html_join("\n", '<meta {}="{}" content="{}">', tags)
    return format_html('{}\n<link rel="canonical" href="{}">', html, absolute_url)


def _lead_figure(article) -> SafeString:
    """The lead picture: the library's, with renditions (srcset, WebP and JPEG), else the
    story's own uploaded lead_image. Lead pictures are not gated text: every reader sees them."""
    picture = article.lead_picture
    if picture is not None:
        image = renditions.picture_html(picture, crop="wide", sizes=renditions.SIZES["story"], loading="eager")
        caption, credit_text = picture.caption, picture.credit
    else:
        image = format_html('<img src="{}" alt="{}" loading="eager">', article.lead_image.url, article.lead_image_alt)
        caption, credit_text = article.lead_image_caption, article.lead_image_credit
    credit = format_html(' <span class="article__credit">{}</span>', credit_text) if credit_text else ""
    return format_html('<figure class="article__figure">{}<figcaption>{}{}</figcaption></figure>', image, caption, credit)


def lead_image_url(article) -> str:
    """The lead picture's address as pages and JSON-LD name it ('' for none)."""
    if article.lead_picture_id:
        return renditions.largest_url(article.lead_picture)
    return article.lead_image.url if article.lead_image else ""


def _header(article, publication, byline: str, image_url: str) -> SafeString:
    local = publication.local
    published = article.published_at
    dates = ""
    if published:
        dates = format_html(
            '<time datetime="{}">{}</time>', machine_time(local(published)), date_format(local(published), "j F Y, H:i T")
        )
    if article.updated_at and published and article.updated_at > published:
        dates = format_html(
            '{} · Updated <time datetime="{}">{}</time>',
            dates, machine_time(local(article.updated_at)), date_format(local(article.updated_at), "j F Y, H:i T"),
        )
    byline_html = ""
    if byline:
        byline_html = format_html('<span class="article__byline">{}</span> · ', byline)
    figure = _lead_figure(article) if image_url else ""
    section = format_html('<p class="article__section"><a href="{}">{}</a></p>',
                          article.section.get_absolute_url(), article.section.name)
    standfirst = format_html('<p class="article__standfirst">{}</p>', article.summary) if article.summary else ""
    return format_html(
        '{}<h1 class="article__headline">{}</h1>{}<p class="article__meta">{}{}</p>{}{}',
        section, article.headline, standfirst, byline_html, dates, _corrections(article, publication), figure,
    )


def _corrections(article, publication) -> SafeString:
    """The story's dated corrections and updates: the newsroom's notes, shown to every reader
    (they never quote the body; editors write them as their own text)."""
    notes = list(article.corrections.all())
    if not notes:
        return mark_safe("")
    items = format_html_join(
        "", '<li class="article__note article__note--{}"><strong>{}</strong> · <time datetime="{}">{}</time>: {}</li>',
        ((note.kind, note.get_kind_display(), machine_time(publication.local(note.at)),
          date_format(publication.local(note.at), "j F Y, H:i T"), note.text) for note in notes),
    )
    return format_html('<aside class="article__corrections" aria-label="Corrections and updates"><ul>{}</ul></aside>',
                       items)


def _footer(article) -> SafeString:
    disclaimer = ""
    line = article.disclaimer
    if line:
        disclaimer = format_html('<p class="article__disclaimer">{}</p>', line)
    tags = ""
    names = list(article.tags.all())
    if names:
        tags = format_html(
            '<ul class="article__tags" aria-label="Topics">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', ((t.get_absolute_url(), t.name) for t in names)),
        )
    return format_html("{}{}", disclaimer, tags)


def render_parts(article, teaser_paragraphs: int, *, free: bool) -> ArticleParts:
    """Render every part of one article version (the slow path: runs once per version).

    `free` is whether the access rules make the story free (access decides it): the
    JSON-LD says so, and names the gated part otherwise.
    """
    from masthead.content.publication import current_publication

    publication = current_publication()
    base = public_url(publication)
    url = article.get_absolute_url()
    absolute_url = base + url
    image_url = lead_image_url(article)
    if image_url.startswith("/"):
        image_url = base + image_url
    teaser, rest = split_teaser(article.body, teaser_paragraphs)
    # Embeds are rendered in each part apart, so the rest's pictures leave only with the rest.
    pictures = _pictures(embeds.picture_ids(article.body))
    teaser, rest = embeds.render_embeds(teaser, pictures), embeds.render_embeds(rest, pictures)
    return ArticleParts(
        pk=article.pk,
        url=url,
        absolute_url=absolute_url,
        headline=article.headline,
        standfirst=article.summary,
        header_html=_header(article, publication, byline(article), image_url),
        teaser_html=mark_safe(teaser),
        rest_html=mark_safe(rest),
        footer_html=_footer(article),
        meta_html=_meta(article, absolute_url, image_url, publication),
        jsonld_html=jsonld_script(_jsonld(article, publication, absolute_url, image_url, free)),
        teaser_paragraphs=teaser_paragraphs,
    )


def _pictures(ids: set[int]) -> dict:
    return {p.pk: p for p in Picture.objects.filter(pk__in=ids)} if ids else {}


def _load(pk: int):
    from masthead.content.models import Article

    return (
        Article.objects.select_related("section", "source", "lead_picture")
        .prefetch_related("authors", "tags", "corrections")
        .filter(pk=pk)
        .first()
    )


def facts_of(article, content_version: str | None = None) -> ArticleFacts:
    """ArticleFacts from an Article (its section and tags loaded)."""
    from masthead.content import freshness

    return ArticleFacts(
        pk=article.pk,
        slug=article.slug,
        status=article.status,
        published_at=article.published_at,
        modified_at=article.modified_at,
        url=article.get_absolute_url(),
        access=article.access,
        section_slug=article.section.slug,
        section_is_premium=article.section.is_premium,
        tag_slugs=frozenset(t.slug for t in article.tags.all()),
        content_version=freshness.version() if content_version is None else content_version,
    )


def _facts_by_slug(slug: str, content_version: str) -> ArticleFacts | None:
    from masthead.content.models import Article

    article = (
        Article.objects.select_related("section").prefetch_related("tags")
        .only("id", "slug", "status", "published_at", "modified_at", "created_at", "access",
              "section__slug", "section__is_premium")
        .filter(slug=slug).first()
    )
    return facts_of(article, content_version) if article is not None else None


def facts_for_slug(slug: str) -> ArticleFacts | None:
    """The article's facts by slug (None for no such article): in-process under the
    content version, else one query."""
    place = cache.slot("content", f"facts:{slug}", local=True)
    found = place.get()
    if found is cache.MISS:
        found = _facts_by_slug(slug, place.token)
        place.put(found, ttl=FACTS_TTL)
    return found


def parts_key(facts: ArticleFacts, teaser_paragraphs: int, *, free: bool) -> str:
    """What names one rendering, the same in every process: the article version, the
    teaser length and whether the rules make the story free (the JSON-LD says so). The
    content version is the namespace's."""
    return (f"parts:{RENDERING}:{facts.pk}:{facts.modified_at.isoformat()}:{teaser_paragraphs}:"
            f"{'free' if free else 'gated'}")


def parts_for(facts: ArticleFacts, teaser_paragraphs: int, *, free: bool, article=None) -> ArticleParts | None:
    """The rendered parts of this article version (in-process, shared cache, then the DB).

    `free`: the story is free under the access rules (access decides; the JSON-LD says so).
    """
    place = cache.slot("content", parts_key(facts, teaser_paragraphs, free=free), local=True)
    parts = place.get()
    metrics.cache_lookup("article_parts", parts is not cache.MISS)
    if parts is cache.MISS:
        article = article or _load(facts.pk)
        if article is None:
            return None
        parts = dataclasses.replace(render_parts(article, teaser_paragraphs, free=free), version=place.name)
        place.put(parts, ttl=PARTS_TTL)
    return parts
