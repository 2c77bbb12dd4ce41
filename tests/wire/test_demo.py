"""The demo's wire source: a few stories with the disclaimer, one updated in place, seeded once."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.content.models import Article
from masthead.core import clock
from masthead.wire.demo import NAME, seed_wire
from masthead.wire.models import Revision, WireStory
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db


def test_the_demo_wire_source_and_its_stories(publication, news):
    clock.freeze(None)  # the clock runs (from a named instant), so the update comes after the story
    with clock.travel(ORDINARY_DAY):
        first = seed_wire(progress=lambda line: None)
        again = seed_wire(progress=lambda line: None)
        articles = Article.objects.filter(source__name=NAME)

        assert (first.new, first.updated) == (3, 1)
        assert (again.new, again.updated, again.ignored) == (0, 0, 4)
        assert articles.count() == 3 and WireStory.objects.count() == 3 and Revision.objects.count() == 4
        ferry = articles.get(headline__startswith="Ferry")
        assert ferry.headline.endswith("full timetable from Friday") and ferry.lead_picture
        assert ferry.credit == "By Mitali Bose, BBW"
        assert articles.get(headline__startswith="Tea").credit == "BBW"
        html = Client().get(ferry.get_absolute_url(), follow=True).content.decode()
    assert "Disclaimer: No The Test Gazette journalist was involved in the creation of this content." in html
    assert "Updated <time" in html
