"""The picks desk: today's premium stories against the target, the picks and their home page order;
and the schedule, published by the worker's periodic task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from masthead.content import actions, listings
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT, ORDINARY_DAY

pytestmark = pytest.mark.django_db

DESK = "/admin/content/article/desk/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_desk_counts_todays_premium_stories_against_the_target(publication, staff_in):
    chief = staff_in("Desk chief")
    publication.premium_target = 3
    publication.save()
    # 00:15 in Kolkata on 2 December: a story from 23:50 the day before is not today's.
    with clock.travel(IST_JUST_AFTER_MIDNIGHT, frozen=True):
        ArticleFactory(headline="Premium today", access=Article.Access.PREMIUM,
                       published_at=IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=10))
        ArticleFactory(headline="Premium by its section", section=SectionFactory(slug="markets", is_premium=True),
                       published_at=IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=5))
        ArticleFactory(headline="Premium yesterday", access=Article.Access.PREMIUM,
                       published_at=IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=25))
        ArticleFactory(headline="Metered today", published_at=IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=1))
        ArticleFactory(headline="An old pick", is_editors_pick=True, published_at=ORDINARY_DAY)
        page = _client(chief).get(DESK).content.decode()

    assert ("<strong>2</strong> premium stories today (2 December 2026) against a target of <strong>3</strong>: "
            "1 to go. <strong>1</strong> editors' pick on the home page.") in page
    assert "Premium today" in page and "Premium by its section" in page and "An old pick" in page
    assert "Premium yesterday" not in page and "Metered today" not in page


def test_the_default_target_is_the_offers_thirty(publication, staff_in):
    page = _client(staff_in("Desk chief")).get(DESK).content.decode()

    assert "against a target of <strong>30</strong>: 30 to go" in page


def test_numbered_picks_order_the_home_page(publication, staff_in):
    chief = staff_in("Desk chief")
    now = ORDINARY_DAY  # noon in Kolkata: the stories below are all today's
    with clock.travel(now, frozen=True):
        older = ArticleFactory(headline="Older premium", access=Article.Access.PREMIUM,
                               published_at=now - dt.timedelta(hours=3))
        newer = ArticleFactory(headline="Newer premium", access=Article.Access.PREMIUM,
                               published_at=now - dt.timedelta(hours=1))
        middle = ArticleFactory(headline="Middle pick", is_editors_pick=True, published_at=now - dt.timedelta(hours=2))
        unnumbered = ArticleFactory(headline="Unnumbered pick", is_editors_pick=True,
                                    published_at=now - dt.timedelta(minutes=30))
        assert [c.headline for c in listings.front_page().editors_picks] == ["Unnumbered pick", "Middle pick"]

        response = _client(chief).post(DESK, {
            "pick": [str(older.pk), str(newer.pk), str(middle.pk), str(unnumbered.pk)],
            f"order-{older.pk}": "1", f"order-{newer.pk}": "3", f"order-{middle.pk}": "2", f"order-{unnumbered.pk}": "",
        })

        assert response.status_code == 302
        assert [c.headline for c in listings.front_page().editors_picks] == [
            "Older premium", "Middle pick", "Newer premium", "Unnumbered pick"]
        home = Client().get("/").content.decode()
    assert home.index("Older premium") < home.index("Middle pick") < home.index("Newer premium") < home.index("Unnumbered pick")


def test_unticking_a_pick_takes_it_off_and_clears_its_number(publication, staff_in):
    chief = staff_in("Desk chief")
    pick = ArticleFactory(headline="Was a pick", is_editors_pick=True, home_order=1)

    _client(chief).post(DESK, {f"order-{pick.pk}": "1"})

    assert Article.objects.filter(pk=pick.pk).values_list("is_editors_pick", "home_order").get() == (False, None)
    assert listings.front_page().editors_picks == []


def test_a_bad_number_is_named_and_nothing_is_saved(publication, staff_in):
    chief = staff_in("Desk chief")
    with clock.travel(ORDINARY_DAY, frozen=True):
        one = ArticleFactory(headline="One", access=Article.Access.PREMIUM)
        two = ArticleFactory(headline="Two", access=Article.Access.PREMIUM)

        response = _client(chief).post(DESK, {"pick": [str(one.pk), str(two.pk)],
                                              f"order-{one.pk}": "1", f"order-{two.pk}": "first"})

    page = response.content.decode()
    assert response.status_code == 400
    assert f"The order of story {two.pk} must be a whole number from 1 to 999 (got &#x27;first&#x27;)." in page
    assert f'name="order-{two.pk}" value="first"' in page  # what was typed is kept
    assert Article.objects.filter(is_editors_pick=True).count() == 0


# --- the schedule ----------------------------------------------------------------------------------

def test_the_schedule_lists_scheduled_stories_and_their_times(publication, staff_in):
    editor = staff_in("Editor", username="meera")
    with clock.travel(ORDINARY_DAY, frozen=True):
        later = ArticleFactory(headline="Budget analysis", status=Article.Status.DRAFT, published_at=None)
        sooner = ArticleFactory(headline="Morning briefing", status=Article.Status.DRAFT, published_at=None)
        actions.publish_article(later, at=ORDINARY_DAY + dt.timedelta(days=1), by=editor)
        actions.publish_article(sooner, at=ORDINARY_DAY + dt.timedelta(minutes=90), by=editor)
        ArticleFactory(headline="Already out")
        page = _client(editor).get("/admin/content/article/schedule/").content.decode()
        listed = _client(editor).get("/admin/content/article/").content.decode()

    assert "times in IST" in page
    assert page.index("Morning briefing") < page.index("Budget analysis")
    assert "<td>15 Jun 2026, 13:30</td><td>in 1 h 30 min</td>" in page
    assert "<td>16 Jun 2026, 12:00</td><td>in 24 h 00 min</td>" in page
    assert "<td>meera</td>" in page
    assert "Already out" not in page
    assert 'href="/admin/content/article/schedule/"' in listed


def test_the_worker_publishes_due_stories(publication, staff_in):
    editor = staff_in("Editor")
    with clock.travel(ORDINARY_DAY, frozen=True):
        due = ArticleFactory(headline="Due", status=Article.Status.DRAFT, published_at=None)
        not_yet = ArticleFactory(headline="Not yet", status=Article.Status.DRAFT, published_at=None)
        actions.publish_article(due, at=ORDINARY_DAY + dt.timedelta(minutes=10), by=editor)
        actions.publish_article(not_yet, at=ORDINARY_DAY + dt.timedelta(hours=2), by=editor)

    with clock.travel(ORDINARY_DAY + dt.timedelta(minutes=11), frozen=True):
        first, again = actions.publish_due(), actions.publish_due()

    assert (first, again) == (1, 0)
    assert Article.objects.get(pk=due.pk).status == Article.Status.PUBLISHED
    assert Article.objects.get(pk=due.pk).published_at == ORDINARY_DAY + dt.timedelta(minutes=10)
    assert Article.objects.get(pk=not_yet.pk).status == Article.Status.SCHEDULED


def test_publishing_due_stories_is_a_periodic_task_of_the_worker(publication):
    from huey.contrib.djhuey import HUEY

    from masthead import schedule

    schedule.register()
    with clock.travel(ORDINARY_DAY, frozen=True):
        due = ArticleFactory(headline="Due", status=Article.Status.SCHEDULED,
                             published_at=ORDINARY_DAY - dt.timedelta(minutes=1))
        task = next(t for t in HUEY._registry._periodic_tasks if t.__name__ == "masthead.content.publish_due")()
        assert task.validate_datetime(dt.datetime(2026, 6, 15, 6, 31)) is True  # every minute
        assert task.execute() == 1

    assert Article.objects.get(pk=due.pk).status == Article.Status.PUBLISHED
