"""`masthead demo --archive N`: N stories from 1997 to yesterday, of a daily's sizes, added
once (a larger N adds the difference), searchable after the reindex."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.content import demo_archive, demo_text, search
from masthead.content.models import Article
from masthead.content.search import Query
from masthead.content.search import index as search_index
from masthead.core import clock
from tests.content.factories import AuthorFactory, PublicationFactory, SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_desks(db):
    PublicationFactory()
    for spec in demo_text.SECTIONS[:3]:
        SectionFactory(name=spec.name, slug=spec.slug)
        for name in spec.tags[:2]:
            TagFactory(name=name, slug=name.lower().replace(" ", "-"))
    AuthorFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def test_the_archive_spans_1997_to_yesterday_in_a_dailys_sizes():
    assert demo_archive.generate(300) == 300

    stories = Article.objects.filter(slug__contains=demo_archive.MARK)
    dates = sorted(stories.values_list("published_at", flat=True))
    sizes = [len(body) for body in stories.values_list("body", flat=True)]
    assert stories.count() == 300
    assert dates[0].year <= 1999 and dates[-1] < clock.now() - dt.timedelta(hours=23)
    assert 1500 < sum(sizes) / len(sizes) < 6000
    assert stories.filter(authors__isnull=False).distinct().count() == 300
    assert stories.filter(tags__isnull=False).distinct().count() == 300
    assert set(stories.values_list("status", flat=True)) == {"published"}


def test_running_again_adds_only_the_difference():
    demo_archive.generate(100)
    assert demo_archive.generate(100) == 0
    assert demo_archive.generate(150) == 50
    assert Article.objects.filter(slug__contains=demo_archive.MARK).count() == 150


def test_the_generated_stories_are_found_after_the_reindex():
    demo_archive.generate(50)

    indexed, _ = search_index.reindex()

    assert indexed == 50
    word = demo_text.CITIES[0].lower()
    found = search.find(Query(word), per_page=100).ids
    bodies = Article.objects.filter(body__icontains=demo_text.CITIES[0]) | Article.objects.filter(
        headline__icontains=demo_text.CITIES[0]) | Article.objects.filter(standfirst__icontains=demo_text.CITIES[0])
    assert sorted(found) == sorted(set(bodies.values_list("pk", flat=True)))
