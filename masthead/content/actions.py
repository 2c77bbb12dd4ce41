"""Every change to an article's life goes through here: the admin, the demo, the wire and
commands call these so they all behave the same way.

Each action locks the row, saves only the fields it changes, keeps the search index
(``search.index``) current in the same transaction, and leaves purging cached listings to
``content_changed()``, which runs again when the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from masthead.content.freshness import content_changed
from masthead.content.models import Article
from masthead.content.search import index as search_index
from masthead.core import clock

# What an editor changes in a story's text and placing (its status goes through publish,
# withdraw and unpublish).
EDITABLE = ("headline", "standfirst", "body", "section", "access", "updated_at", "is_editors_pick", "is_top_story",
            "lead_image_alt", "lead_image_caption", "lead_image_credit")


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _copy_back(source: Article, target: Article, fields: list[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))


def publish_article(article: Article, at: dt.datetime | None = None, by=None) -> Article:
    """Publish now, or schedule for ``at`` when it lies in the future.

    Publishing with no time keeps a past ``published_at`` (a withdrawn story put back
    keeps its canonical, dated URL) and otherwise stamps the current moment. A scheduled
    story goes live at its time with no job: ``Article.objects.live()`` includes it then.
    """
    now = clock.now()
    if at is not None and at.tzinfo is None:
        raise ValueError("publish_article() needs an aware datetime")
    with transaction.atomic():
        row = _locked(article)
        if at is None:
            when = row.published_at if row.published_at and row.published_at <= now else now
        else:
            when = at
        row.status = Article.Status.SCHEDULED if when > now else Article.Status.PUBLISHED
        row.published_at = when
        row.published_by = by if getattr(by, "pk", None) else None
        fields = ["status", "published_at", "published_by", "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, fields)
    return article


def update_article(article: Article, **changes) -> Article:
    """Change a story's text or placing (headline, standfirst, body, section, access...):
    saved, reindexed for search, and every cached listing retired."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"update_article() cannot change {', '.join(sorted(unknown))}: use the status actions")
    with transaction.atomic():
        row = _locked(article)
        for name, value in changes.items():
            setattr(row, name, value)
        fields = [*changes, "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, [*changes, "body", "modified_at"])
    return article


def delete_article(article: Article) -> None:
    """Delete a story for good: gone from the site, the listings and the search index."""
    with transaction.atomic():
        pk = article.pk
        Article.objects.filter(pk=pk).delete()
        search_index.remove(pk)
        content_changed()


def withdraw_article(article: Article, by=None) -> Article:
    """Take a story off the site: readers get a 404, listings and feeds drop it."""
    return _set_status(article, Article.Status.WITHDRAWN, by)


def unpublish_article(article: Article, by=None) -> Article:
    """Send a story back to draft (e.g. scheduled by mistake); its date is kept."""
    return _set_status(article, Article.Status.DRAFT, by)


def _set_status(article: Article, status: str, by) -> Article:
    with transaction.atomic():
        row = _locked(article)
        row.status = status
        row.published_by = by if getattr(by, "pk", None) else None
        fields = ["status", "published_by", "modified_at"]
        row.save(update_fields=fields)
        search_index.refresh(row.pk)
        content_changed()
    _copy_back(row, article, fields)
    return article


# --- stories that arrive from outside the admin (the wire) -------------------------------------

TEXT_FIELDS = ("headline", "standfirst", "body", "credit")


def create_article(*, headline: str, section, standfirst: str = "", body: str = "", access: str = "",
                   origin: str = Article.Origin.STAFF, source=None, source_reference: str = "",
                   credit: str = "", tags=()) -> Article:
    """A new draft story (publish it with ``publish_article``). The body is cleaned on save."""
    with transaction.atomic():
        article = Article(
            headline=headline[:300], section=section, standfirst=standfirst, body=body,
            access=access or Article.Access.METERED, origin=origin, source=source,
            source_reference=source_reference[:200], credit=credit[:300], status=Article.Status.DRAFT,
        )
        article.save()
        if tags:
            article.tags.set(tags)
        content_changed()
    return article


def revise_article(article: Article, *, headline: str, standfirst: str, body: str, credit: str,
                   updated_at: dt.datetime | None = None) -> Article:
    """Replace a story's text in place: same row, same slug and date, so the same URL.

    ``updated_at`` (default now) is what the page shows as "Updated" once the story is live.
    """
    with transaction.atomic():
        row = _locked(article)
        row.headline, row.standfirst, row.body, row.credit = headline[:300], standfirst, body, credit[:300]
        row.updated_at = updated_at or clock.now()
        fields = [*TEXT_FIELDS, "updated_at", "modified_at"]
        row.save(update_fields=fields)
        content_changed()
    _copy_back(row, article, fields)
    return article


def set_lead_image(article: Article, *, name: str, content: bytes, alt: str = "", caption: str = "",
                   credit: str = "") -> Article:
    """Store a lead picture through Django's storage and show it with its caption and credit."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        row = _locked(article)
        row.lead_image.save(name, ContentFile(content), save=False)
        row.lead_image_alt = alt[:300]
        row.lead_image_caption = caption[:300]
        row.lead_image_credit = credit[:200]
        fields = ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit", "modified_at"]
        row.save(update_fields=fields)
        content_changed()
    _copy_back(row, article, fields)
    return article
