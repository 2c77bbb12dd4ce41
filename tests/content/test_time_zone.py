"""One calendar: every page shows and counts days in the publication's time zone, whatever
settings.TIME_ZONE says, and most visibly where the publication's day and UTC's differ."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from masthead.core import clock
from tests.content.factories import ArticleFactory, PublicationFactory, SectionFactory
from tests.content.test_pages import headlines
from tests.instants import FINANCIAL_YEAR_END, IST_JUST_AFTER_MIDNIGHT, UTC

pytestmark = pytest.mark.django_db

# 00:05 in Kolkata on Wednesday 2 December 2026; 18:35 on Tuesday 1 December in UTC.
JUST_AFTER_MIDNIGHT_IN_KOLKATA = IST_JUST_AFTER_MIDNIGHT - dt.timedelta(minutes=10)


def card_times(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="card__meta">.*?<time datetime="([^"]+)">([^<]+)</time>', html)


@pytest.mark.parametrize(("server_zone", "publication_zone", "shown"), [
    ("UTC", "Asia/Kolkata", ("2026-12-02T00:05:00+05:30", "2 Dec 2026, 00:05")),
    ("Asia/Kolkata", "Europe/London", ("2026-12-01T18:35:00+00:00", "1 Dec 2026, 18:35")),
])
def test_listing_dates_are_in_the_publication_zone_not_the_server_setting(
        client, settings, server_zone, publication_zone, shown):
    settings.TIME_ZONE = server_zone
    PublicationFactory(time_zone=publication_zone)
    city = SectionFactory(name="City", slug="city")
    ArticleFactory(headline="Night shift", section=city, published_at=JUST_AFTER_MIDNIGHT_IN_KOLKATA)

    with clock.travel(IST_JUST_AFTER_MIDNIGHT):
        html = client.get("/section/city/").content.decode()

    assert card_times(html) == [shown]


def test_the_zone_is_the_server_setting_again_after_the_request(client, settings):
    settings.TIME_ZONE = "UTC"
    PublicationFactory(time_zone="Asia/Kolkata")

    assert client.get("/").status_code == 200

    assert timezone.get_current_timezone_name() == "UTC"


def test_a_story_just_after_midnight_in_kolkata_is_in_that_day_of_the_archive(client, settings):
    settings.TIME_ZONE = "UTC"
    PublicationFactory(time_zone="Asia/Kolkata")
    story = ArticleFactory(headline="Night shift", published_at=JUST_AFTER_MIDNIGHT_IN_KOLKATA)

    with clock.travel(IST_JUST_AFTER_MIDNIGHT):
        today = client.get("/archive/2026/12/2/")
        yesterday = client.get("/archive/2026/12/1/")
        month = client.get("/archive/2026/12/").content.decode()
        page = client.get(story.get_absolute_url(), follow=True)

    assert story.get_absolute_url().startswith("/2026/12/02/")
    assert (today.status_code, headlines(today)) == (200, ["Night shift"])
    assert "<h1>Wednesday 2 December 2026</h1>" in today.content.decode()
    assert yesterday.status_code == 404
    assert re.findall(r'<a href="/archive/2026/12/(\d+)/">([^<]+)</a>', month) == [("2", "Wednesday 2 December")]
    assert page.status_code == 200


@pytest.mark.parametrize(("at", "header", "year"), [
    (IST_JUST_AFTER_MIDNIGHT, "Wednesday, 2 December 2026", "2026"),
    # 00:15 on 1 April 2027 in Kolkata; 31 March in UTC.
    (FINANCIAL_YEAR_END, "Thursday, 1 April 2027", "2027"),
    (dt.datetime(2026, 12, 31, 18, 45, tzinfo=UTC), "Friday, 1 January 2027", "2027"),
])
def test_the_masthead_date_and_the_copyright_year_are_the_publication_s_today(client, settings, at, header, year):
    settings.TIME_ZONE = "UTC"
    PublicationFactory(time_zone="Asia/Kolkata", legal_name="Test Gazette Media")

    with clock.travel(at):
        html = client.get("/").content.decode()

    assert f'<p class="site-header__date">{header}</p>' in html
    assert f"&copy; {year} Test Gazette Media" in html
