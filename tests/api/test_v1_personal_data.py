"""Saved stories and reading history are in the reader's data export and go with the account."""

from __future__ import annotations

import pytest

from masthead.accounts.data_rights import export_all
from masthead.api import actions, personal_data
from masthead.api.models import ReadingHistory, SavedStory
from masthead.core import clock
from tests.accounts.factories import ReaderFactory
from tests.content.factories import ArticleFactory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


def test_the_export_lists_them_and_erasure_removes_only_the_readers_own(publication):
    clock.freeze(ORDINARY_DAY)
    reader, other = ReaderFactory(), ReaderFactory()
    story = ArticleFactory()
    actions.save_story(reader, story.pk)
    actions.record_read(reader, story.pk)
    actions.record_read(other, story.pk)

    exported = export_all(reader)["api"]
    personal_data.erase(reader)

    assert exported == {
        "saved_stories": [{"article_id": story.pk, "saved_at": ORDINARY_DAY.isoformat()}],
        "reading_history": [{"article_id": story.pk, "read_at": ORDINARY_DAY.isoformat()}],
    }
    assert not SavedStory.objects.filter(user=reader).exists()
    assert not ReadingHistory.objects.filter(user=reader).exists()
    assert ReadingHistory.objects.filter(user=other).count() == 1


def test_reading_again_keeps_one_entry_at_the_latest_time(publication):
    reader, story = ReaderFactory(), ArticleFactory()
    clock.freeze(ORDINARY_DAY)
    actions.record_read(reader, story.pk)
    later = ORDINARY_DAY.replace(hour=9)
    clock.freeze(later)
    actions.record_read(reader, story.pk)

    assert list(ReadingHistory.objects.values_list("article_id", "read_at")) == [(story.pk, later)]
