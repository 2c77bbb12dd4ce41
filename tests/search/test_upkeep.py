"""The index follows every change: publish, update, withdraw, unpublish, delete (through
the actions), saves and deletes made elsewhere (the admin, the ORM), and a rebuild."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from masthead.content import actions, search
from masthead.content.models import Article
from masthead.content.search import Query, engine
from masthead.content.search import index as search_index
from masthead.core import clock
from tests.content.factories import ArticleFactory, PublicationFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_a_known_instant(db):
    PublicationFactory()
    with clock.travel(ORDINARY_DAY):
        yield


def ids(text):
    return search.find(Query(text)).ids


def draft(**extra):
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, **extra)


def test_publishing_indexes_and_withdrawing_drops_a_story():
    story = draft(headline="Tiger census", body="<p>Numbers rise in the reserve.</p>")
    assert ids("tiger") == []

    actions.publish_article(story)
    assert ids("reserve") == [story.pk]

    actions.withdraw_article(story)
    assert ids("tiger") == []
    assert engine().indexed_count() == 0  # dropped, not only filtered out

    actions.publish_article(story)
    assert ids("tiger") == [story.pk]
    actions.unpublish_article(story)
    assert ids("tiger") == []


def test_scheduling_indexes_a_story_that_is_found_from_its_time():
    story = draft(headline="Budget day")
    actions.publish_article(story, at=clock.now() + dt.timedelta(hours=2))

    assert ids("budget") == []
    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=3)):
        assert ids("budget") == [story.pk]


def test_an_update_replaces_what_the_story_is_found_by():
    story = ArticleFactory(headline="Old headline words", standfirst="A summary.", body="<p>Original body.</p>")

    actions.update_article(story, headline="Fresh title", body="<p>Rewritten paragraph.</p>")

    assert ids("old") == [] and ids("original") == []
    assert ids("fresh") == [story.pk] and ids("rewritten") == [story.pk]


def test_update_article_refuses_a_status_change():
    story = ArticleFactory(headline="Steady")
    with pytest.raises(ValueError, match="status"):
        actions.update_article(story, status=Article.Status.WITHDRAWN)


def test_deleting_drops_a_story_by_the_action_one_by_one_or_by_queryset():
    first, second, third = (ArticleFactory(headline=f"Comet sighting {n}") for n in range(3))

    actions.delete_article(first)
    second.delete()
    Article.objects.filter(pk=third.pk).delete()

    assert ids("comet") == []
    assert engine().indexed_count() == 0


def test_a_save_outside_the_actions_is_followed_too():
    story = ArticleFactory(headline="Harbour report", standfirst="A summary.", body="<p>Words.</p>")
    story.headline = "Lighthouse report"
    story.save()  # as the admin's change form does

    assert ids("harbour") == [] and ids("lighthouse") == [story.pk]


def test_a_withdrawn_story_is_never_a_hit_even_if_its_entry_were_left_behind():
    story = ArticleFactory(headline="Stale entry")
    # A status written behind the actions' back (a data fix in SQL): the entry stays...
    Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)
    assert engine().indexed_count() == 1

    from masthead.content import listings

    assert listings.search("stale") == []  # ...but results are loaded live only
    call_command("search", "reindex", "--quiet", stdout=io.StringIO())
    assert engine().indexed_count() == 0  # and the rebuild sweeps it


def test_reindex_rebuilds_everything_with_a_progress_bar_and_a_summary():
    stories = [ArticleFactory(headline=f"Kite festival {n}") for n in range(5)]
    ArticleFactory(headline="Kite draft", status=Article.Status.DRAFT)
    engine().remove([s.pk for s in stories])
    assert ids("kite") == []

    out = io.StringIO()
    call_command("search", "reindex", "--batch", "2", stdout=out)

    assert sorted(ids("kite")) == sorted(s.pk for s in stories)
    text = out.getvalue()
    assert "reindex" in text and "[" in text and "5/5" in text
    assert "Indexed 5 stories" in text


def test_status_counts_the_index():
    ArticleFactory(headline="Counted")
    out = io.StringIO()
    call_command("search", "status", stdout=out)
    assert "1 stories indexed of 1" in out.getvalue()


def test_bulk_writes_are_indexed_by_reindex_and_demo_stories_on_seeding():
    # bulk_create sends no signal: reindex is how a bulk import becomes searchable.
    section = ArticleFactory(headline="seed").section
    Article.objects.bulk_create([Article(headline="Bulk walrus", slug="bulk-walrus", section=section,
                                         status=Article.Status.PUBLISHED, published_at=clock.now())])
    assert ids("walrus") == []
    search_index.reindex()
    assert len(ids("walrus")) == 1
