"""The admin shows statuses, times and app groups as editors and readers understand them."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.content.models import Article
from masthead.core import clock
from tests.content.conftest import NOON_IST
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/content/article/"


def test_a_scheduled_story_whose_time_has_come_shows_as_published(editor_client, publication):
    with clock.travel(NOON_IST, frozen=True):
        story = ArticleFactory(
            headline="Went out at nine", status=Article.Status.SCHEDULED, published_at=NOON_IST - dt.timedelta(hours=1)
        )
        waiting = ArticleFactory(
            headline="Goes out at eleven", status=Article.Status.SCHEDULED, published_at=NOON_IST + dt.timedelta(hours=1)
        )

        listing = editor_client.get(CHANGELIST).content.decode()
        form = editor_client.get(f"/admin/content/article/{story.pk}/change/")
        waiting_form = editor_client.get(f"/admin/content/article/{waiting.pk}/change/")

    assert story.status_for_readers(NOON_IST) == "Published (was scheduled)"
    assert waiting.status_for_readers(NOON_IST) == "Scheduled"
    assert listing.count("Published (was scheduled)") == 1
    assert '<td class="field-status_shown">Scheduled</td>' in listing
    assert form.context["adminform"].form.initial["status"] == Article.Status.PUBLISHED
    assert '<option value="published" selected>Published</option>' in form.content.decode()
    assert waiting_form.context["adminform"].form.initial["status"] == Article.Status.SCHEDULED


def test_saving_a_story_that_went_live_by_schedule_keeps_its_time(editor_client, publication):
    went_out = NOON_IST - dt.timedelta(hours=1)  # 09:00 in Kolkata
    with clock.travel(NOON_IST, frozen=True):
        story = ArticleFactory(headline="Went out at nine", status=Article.Status.SCHEDULED, published_at=went_out)
        response = editor_client.post(f"/admin/content/article/{story.pk}/change/", {
            "headline": story.headline, "slug": story.slug, "standfirst": story.standfirst, "body": story.body,
            "section": str(story.section_id), "status": "published",
            "published_at_0": "2026-06-15", "published_at_1": "09:00:00", "updated_at_0": "", "updated_at_1": "",
            "access": "metered", "origin": "staff", "source": "", "source_reference": "",
            "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
        })

    story.refresh_from_db()
    assert response.status_code == 302
    assert (story.status, story.published_at) == (Article.Status.PUBLISHED, went_out)


def test_admin_times_are_24_hour_in_the_publications_zone(editor_client, publication):
    publication.time_zone = "Europe/London"
    publication.save()
    # 18:52 UTC on 1 December is 18:52 in London (and 00:22 the next day in Kolkata).
    ArticleFactory(headline="Late story", published_at=dt.datetime(2026, 12, 1, 18, 52, tzinfo=dt.timezone.utc))

    html = editor_client.get(CHANGELIST).content.decode()

    assert '<td class="field-published_at nowrap">1 December 2026, 18:52</td>' in html
    assert "a.m." not in html and "p.m." not in html


def test_admin_times_default_to_kolkata(editor_client, publication):
    ArticleFactory(headline="Late story", published_at=dt.datetime(2026, 12, 1, 18, 52, tzinfo=dt.timezone.utc))

    html = editor_client.get(CHANGELIST).content.decode()

    assert '<td class="field-published_at nowrap">2 December 2026, 00:22</td>' in html


def test_admin_app_groups_have_distinct_clear_names(editor_client, publication):
    response = editor_client.get("/admin/")

    names = [app["name"] for app in response.context["app_list"]]
    assert len(names) == len(set(names))
    assert "Accounts" not in names
    assert {"Readers", "Sign-in e-mail addresses", "Content", "Background tasks"} <= set(names)


def test_the_status_filter_counts_a_story_that_went_live_by_schedule_as_published(editor_client, publication):
    with clock.travel(NOON_IST, frozen=True):
        ArticleFactory(headline="Went out at nine", status=Article.Status.SCHEDULED,
                       published_at=NOON_IST - dt.timedelta(hours=1))
        ArticleFactory(headline="Goes out at eleven", status=Article.Status.SCHEDULED,
                       published_at=NOON_IST + dt.timedelta(hours=1))
        ArticleFactory(headline="Out since morning", status=Article.Status.PUBLISHED,
                       published_at=NOON_IST - dt.timedelta(hours=3))

        def listed(status):
            result = editor_client.get(CHANGELIST, {"status__exact": status}).context["cl"].result_list
            return sorted(a.headline for a in result)

        assert listed("published") == ["Out since morning", "Went out at nine"]
        assert listed("scheduled") == ["Goes out at eleven"]
