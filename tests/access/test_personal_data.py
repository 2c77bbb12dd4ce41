"""The reader's meter history in the data export, and its erasure."""

from __future__ import annotations

import pytest

from masthead.access import personal_data
from masthead.access.meter.base import get_store
from masthead.access.periods import period_key
from masthead.core import clock
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_export_lists_the_articles_counted_this_period(publication, registered_reader):
    first, second = ArticleFactory(headline="Alpha story"), ArticleFactory(headline="Beta story")
    period = period_key(clock.now(), "month", publication.zone)
    key = f"u:{registered_reader.pk}"
    get_store().check_and_count(key, period, first.pk, 5)
    get_store().check_and_count(key, period, second.pk, 5)

    data = personal_data.export(registered_reader)

    assert data == {"meter": [{
        "period": period,
        "articles_counted": 2,
        "articles": sorted([{"id": first.pk, "headline": "Alpha story"}, {"id": second.pk, "headline": "Beta story"}],
                           key=lambda a: a["id"]),
    }]}


def test_erase_forgets_the_meter(publication, registered_reader):
    story = ArticleFactory()
    period = period_key(clock.now(), "month", publication.zone)
    get_store().check_and_count(f"u:{registered_reader.pk}", period, story.pk, 5)

    personal_data.erase(registered_reader)

    assert get_store().used(f"u:{registered_reader.pk}", period) == 0
    assert personal_data.export(registered_reader) == {"meter": []}
