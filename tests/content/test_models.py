"""Articles: slugs, canonical dated URLs, what is live when, premium, and the sanitiser."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.content.models import Article
from masthead.content.sanitize import clean_html
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_headline_and_stays_unique(publication):
    first = ArticleFactory(headline="Rupee ends higher on exporter selling")
    second = ArticleFactory(headline="Rupee ends higher on exporter selling")

    assert first.slug == "rupee-ends-higher-on-exporter-selling"
    assert second.slug == "rupee-ends-higher-on-exporter-selling-2"


def test_slug_is_kept_when_the_headline_changes(publication):
    article = ArticleFactory(headline="Monsoon arrives early")
    article.headline = "Monsoon arrives a week early in Kerala"
    article.save()

    article.refresh_from_db()
    assert article.slug == "monsoon-arrives-early"


def test_canonical_url_carries_the_local_date_and_slug(publication):
    # 20:00 UTC on 31 Dec is 01:30 on 1 Jan in Kolkata: the URL uses the reader's calendar.
    article = ArticleFactory(
        headline="New year markets", published_at=dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.timezone.utc)
    )

    assert article.get_absolute_url() == "/2026/01/01/new-year-markets/"


def test_live_includes_published_and_due_scheduled_articles_only(publication):
    now = clock.now()
    published = ArticleFactory(headline="Published", published_at=now - dt.timedelta(hours=1))
    due = ArticleFactory(headline="Due", status=Article.Status.SCHEDULED, published_at=now - dt.timedelta(minutes=1))
    ArticleFactory(headline="Later", status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(hours=2))
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT, published_at=now - dt.timedelta(hours=3))
    ArticleFactory(headline="Withdrawn", status=Article.Status.WITHDRAWN, published_at=now - dt.timedelta(hours=3))

    assert list(Article.objects.live().order_by("headline").values_list("headline", flat=True)) == ["Due", "Published"]
    assert published.is_live() and due.is_live()


def test_a_scheduled_article_goes_live_at_its_time_with_no_job(publication):
    at = clock.now() + dt.timedelta(hours=2)
    article = ArticleFactory(status=Article.Status.SCHEDULED, published_at=at)

    assert not Article.objects.live().filter(pk=article.pk).exists()
    with clock.travel(at + dt.timedelta(seconds=1)):
        assert Article.objects.live().filter(pk=article.pk).exists()
        assert article.is_live()


def test_premium_by_access_level_or_by_section(publication):
    analysis = SectionFactory(name="Markets Analysis", slug="markets-analysis", is_premium=True)

    assert ArticleFactory(access=Article.Access.PREMIUM).is_premium
    assert ArticleFactory(section=analysis, access=Article.Access.METERED).is_premium
    assert not ArticleFactory(access=Article.Access.METERED).is_premium


def test_wire_article_carries_its_source_disclaimer(publication):
    from tests.content.factories import WireArticleFactory

    article = WireArticleFactory(source__name="Ledger Wire", source__slug="ledger-wire")

    assert article.disclaimer == "Disclaimer: No Test Gazette journalist was involved in creation of this content"


HOSTILE = (
    '<p onclick="steal()">Hello <a href="javascript:alert(1)">click</a> '
    '<a href="https://example.com/" onmouseover="x()">ok</a></p>'
    '<script>alert("x")</script>'
    '<img src="x.png" onerror="alert(2)" alt="pic">'
    '<style>body{display:none}</style>'
    '<iframe src="https://evil.example/"></iframe>'
    '<p style="color:red">Styled</p>'
)


def test_a_hostile_body_is_cleaned_on_save(publication):
    article = ArticleFactory(body=HOSTILE)
    article.refresh_from_db()

    assert article.body == (
        '<p>Hello <a rel="noopener noreferrer">click</a> '
        '<a href="https://example.com/" rel="noopener noreferrer">ok</a></p>'
        '<img src="x.png" alt="pic">'
        "<p>Styled</p>"
    )


def test_clean_html_removes_every_active_part():
    cleaned = clean_html(HOSTILE)

    for dangerous in ("<script", "onclick", "onerror", "onmouseover", "javascript:", "<style", "<iframe", "style="):
        assert dangerous not in cleaned
