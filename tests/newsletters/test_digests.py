"""Automatic digests on their cadence, skipped when there is nothing new; scheduled issues."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.content.models import Article
from masthead.core import clock
from masthead.newsletters import digests
from masthead.newsletters.models import Issue, NewsletterList
from tests.content.factories import ArticleFactory, SectionFactory
from tests.instants import FINANCIAL_YEAR_END, IST_JUST_AFTER_MIDNIGHT, LEAP_DAY
from tests.newsletters.conftest import confirmed

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


@pytest.fixture
def brief(publication):
    section = SectionFactory(name="News", slug="news")
    newsletter = NewsletterList.objects.create(slug="morning-brief", name="The Morning Brief", kind="digest",
                                               cadence="daily", send_hour=7)
    newsletter.digest_sections.set([section])
    return newsletter, section


def at_ist(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))


def test_a_daily_digest_gathers_the_new_stories_of_its_sections_once_a_day(brief):
    newsletter, section = brief
    day = dt.date(2026, 6, 15)
    with clock.travel(at_ist(day, 6, 0), frozen=True):
        older = ArticleFactory(section=section, headline="Yesterday's news")
        NewsletterList.objects.filter(pk=newsletter.pk).update(last_digest_at=clock.now())
    with clock.travel(at_ist(day, 6, 30), frozen=True):
        fresh = ArticleFactory(section=section, headline="Fresh this morning",
                               published_at=clock.now() - dt.timedelta(minutes=10))
        ArticleFactory(headline="Another section's story")
        assert digests.build_digest(newsletter) is None  # not 07:00 yet

    with clock.travel(at_ist(day, 7, 5), frozen=True):
        issue = digests.build_digest(newsletter)
        again = digests.build_digest(newsletter)

    assert issue is not None and issue.is_digest and issue.status == Issue.Status.SCHEDULED
    assert [i.article for i in issue.items.all()] == [fresh]
    assert issue.subject == "The Morning Brief: 15 June 2026"
    assert again is None  # one digest per slot
    assert older not in [i.article for i in issue.items.all()]


def test_a_digest_with_nothing_new_is_skipped(brief):
    newsletter, section = brief
    with clock.travel(at_ist(dt.date(2026, 6, 15), 7, 5), frozen=True):
        assert digests.build_digest(newsletter) is None
    assert Issue.objects.count() == 0
    assert NewsletterList.objects.get(pk=newsletter.pk).last_digest_at is not None


def test_withdrawn_and_future_stories_stay_out_of_a_digest(brief):
    newsletter, section = brief
    with clock.travel(at_ist(dt.date(2026, 6, 15), 7, 5), frozen=True):
        ArticleFactory(section=section, status=Article.Status.WITHDRAWN)
        ArticleFactory(section=section, status=Article.Status.SCHEDULED,
                       published_at=clock.now() + dt.timedelta(hours=2))
        assert digests.build_digest(newsletter) is None


def test_an_editors_picks_digest(brief):
    newsletter, section = brief
    newsletter.digest_sections.clear()
    NewsletterList.objects.filter(pk=newsletter.pk).update(digest_editors_picks=True)
    newsletter.refresh_from_db()
    with clock.travel(at_ist(dt.date(2026, 6, 15), 7, 5), frozen=True):
        pick = ArticleFactory(is_editors_pick=True)
        ArticleFactory()
        issue = digests.build_digest(newsletter)
    assert [i.article for i in issue.items.all()] == [pick]


@pytest.mark.parametrize("now, expected", [
    (IST_JUST_AFTER_MIDNIGHT, at_ist(dt.date(2026, 12, 1), 7)),     # 00:15 on 2 Dec: the 1 Dec slot
    (FINANCIAL_YEAR_END, at_ist(dt.date(2027, 3, 31), 7)),
    (LEAP_DAY, at_ist(dt.date(2028, 2, 29), 7)),                    # 01:30 on 1 March in Kolkata
])
def test_the_daily_slot_is_the_publications_day(brief, now, expected):
    newsletter, _ = brief
    assert digests.last_slot(newsletter, now) == expected


def test_a_weekly_slot_falls_on_its_weekday(brief):
    newsletter, _ = brief
    newsletter.cadence, newsletter.send_weekday, newsletter.send_hour = "weekly", 0, 8
    # Wednesday 17 June 2026: the slot is Monday 15 June, 08:00 in Kolkata.
    assert digests.last_slot(newsletter, at_ist(dt.date(2026, 6, 17), 12)) == at_ist(dt.date(2026, 6, 15), 8)
    # Monday 15 June before 08:00: the Monday before.
    assert digests.last_slot(newsletter, at_ist(dt.date(2026, 6, 15), 7)) == at_ist(dt.date(2026, 6, 8), 8)


def test_run_due_makes_the_digest_and_sends_it_and_scheduled_issues(brief, smtp):
    newsletter, section = brief
    confirmed(newsletter, "early@example.org")
    with clock.travel(at_ist(dt.date(2026, 6, 15), 7, 5), frozen=True):
        ArticleFactory(section=section, headline="Breaking this morning")
        later = Issue.objects.create(newsletter=newsletter, subject="Later", status=Issue.Status.SCHEDULED,
                                     send_at=clock.now() + dt.timedelta(hours=1))
        result = digests.run_due()
    assert len(result.digests) == 1
    assert [m["Subject"] for _, m, _ in smtp.messages] == ["The Morning Brief: 15 June 2026"]
    assert Issue.objects.get(pk=later.pk).status == Issue.Status.SCHEDULED  # its time has not come
    with clock.travel(at_ist(dt.date(2026, 6, 15), 8, 10), frozen=True):
        digests.run_due()
    assert Issue.objects.get(pk=later.pk).status == Issue.Status.SENT
    assert len(smtp.messages) == 2


def test_the_schedule_declares_the_periodic_send():
    from huey.contrib.djhuey import HUEY

    from masthead import schedule

    schedule.register()
    names = {getattr(task, "name", None) or task.__name__ for task in HUEY._registry._periodic_tasks}
    assert "masthead.newsletters.run_due" in names
