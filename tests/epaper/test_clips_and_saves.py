"""Saved pages on the account; clips shared for 7 days, limited per day, listed, revocable,
and showing the clip and nothing else of the paper."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from PIL import Image

from masthead.core import clock
from masthead.epaper import processing
from masthead.epaper.models import Clip, SavedPage
from tests.epaper.conftest import CANARY_WORDS

pytestmark = pytest.mark.django_db


def share(client, edition, number=2, **rectangle):
    fields = {"left": "10", "top": "20", "width": "50", "height": "30", **rectangle}
    return client.post(f"/epaper/{edition.date}/main/{number}/clip/", fields)


def test_a_subscriber_saves_a_page_and_finds_it_on_the_account(edition, subscriber_client, subscriber):
    response = subscriber_client.post(f"/epaper/{edition.date}/main/2/save/")

    assert response.status_code == 302 and response["Location"] == edition.page_url(2)
    assert SavedPage.objects.filter(user=subscriber, page__number=2).count() == 1
    account = subscriber_client.get("/accounts/epaper/").content.decode()
    assert f'href="{edition.page_url(2)}"' in account
    assert "Saved: remove" in subscriber_client.get(edition.page_url(2)).content.decode()

    subscriber_client.post(f"/epaper/{edition.date}/main/2/save/", {"remove": "1"})
    assert not SavedPage.objects.filter(user=subscriber).exists()


def test_saving_needs_the_epaper(edition, metered_reader):
    client = Client()
    client.force_login(metered_reader)

    client.post(f"/epaper/{edition.date}/main/2/save/")

    assert not SavedPage.objects.exists()


def test_a_clip_opens_for_anyone_and_shows_only_the_clip(edition, subscriber_client, subscriber):
    response = share(subscriber_client, edition)
    clip = Clip.objects.get()
    assert response["Location"] == f"{clip.get_absolute_url()}?shared=1"
    assert (clip.left, clip.top, clip.width, clip.height) == pytest.approx((0.1, 0.2, 0.5, 0.3))
    assert clip.expires_at - clip.created_at == dt.timedelta(days=7)

    anyone = Client()
    page = anyone.get(clip.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "The Test Gazette" in html and "page 2" in html
    assert "/epaper/image/" not in html
    for word in CANARY_WORDS:
        assert word not in html
    image = anyone.get(f"/epaper/clip/{clip.token}/image/")
    assert image.status_code == 200 and image["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(b"".join(image.streaming_content))) as picture:
        # Half the page's zoom width wide: the rectangle, not the page.
        assert picture.width == processing.SIZES["zoom"] // 2
    # The shared page itself stays behind the paywall for the visitor.
    assert "The ePaper is for subscribers." in anyone.get(edition.page_url(2)).content.decode()


def test_a_clip_stops_opening_after_seven_days(edition, subscriber_client):
    share(subscriber_client, edition)
    clip = Clip.objects.get()

    with clock.travel(dt.timedelta(days=7, seconds=-60)):
        assert Client().get(clip.get_absolute_url()).status_code == 200
    with clock.travel(dt.timedelta(days=7, seconds=1)):
        gone = Client().get(clip.get_absolute_url())
        image = Client().get(f"/epaper/clip/{clip.token}/image/")
        listed = subscriber_client.get("/accounts/epaper/").content.decode()

    assert gone.status_code == 410
    assert "seven days" in gone.content.decode()
    assert image.status_code == 404
    assert "Expired" in listed


def test_a_revoked_clip_stops_opening_at_once(edition, subscriber_client):
    share(subscriber_client, edition)
    clip = Clip.objects.get()
    account = subscriber_client.get("/accounts/epaper/").content.decode()
    assert f'action="/accounts/epaper/clips/{clip.pk}/revoke/"' in account

    subscriber_client.post(f"/accounts/epaper/clips/{clip.pk}/revoke/")

    assert Client().get(clip.get_absolute_url()).status_code == 410
    assert Client().get(f"/epaper/clip/{clip.token}/image/").status_code == 404
    assert "Revoked" in subscriber_client.get("/accounts/epaper/").content.decode()


def test_only_the_reader_who_shared_a_clip_can_revoke_it(edition, subscriber_client, metered_reader):
    share(subscriber_client, edition)
    clip = Clip.objects.get()
    other = Client()
    other.force_login(metered_reader)

    assert other.post(f"/accounts/epaper/clips/{clip.pk}/revoke/").status_code == 404
    assert Clip.objects.get().revoked_at is None


def test_clips_are_limited_per_day_in_the_publications_time_zone(edition, subscriber_client, settings):
    settings.MASTHEAD_EPAPER_CLIPS_PER_DAY = 2
    share(subscriber_client, edition)
    share(subscriber_client, edition)

    refused = share(subscriber_client, edition)

    assert refused["Location"] == edition.page_url(2)
    assert Clip.objects.count() == 2
    messages = [str(m) for m in refused.wsgi_request._messages]
    assert messages == ["You can share 2 clips a day; try again tomorrow."]
    # Midnight in Kolkata (18:30 UTC) starts a new day's allowance.
    local = clock.now().astimezone(edition_zone())
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=1)
    with clock.travel(midnight):
        share(subscriber_client, edition)
    assert Clip.objects.count() == 3


def edition_zone():
    import zoneinfo

    return zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize("rectangle, message", [
    ({"width": "1"}, "Choose a larger part of the page to share."),
    ({"left": "80", "width": "50"}, "The clip must lie within the page."),
    ({"top": "-5"}, "The clip must lie within the page."),
    ({"height": "lots"}, "The clip's height must be a number (a percentage of the page)."),
    ({"left": "nan"}, "The clip's left edge is not a number."),
], ids=["too-small", "off-the-right", "above-the-top", "not-a-number", "nan"])
def test_a_clip_outside_the_page_or_too_small_is_refused(edition, subscriber_client, rectangle, message):
    refused = share(subscriber_client, edition, **rectangle)

    assert not Clip.objects.exists()
    assert [str(m) for m in refused.wsgi_request._messages] == [message]


def test_clips_need_the_epaper(edition, premium_only_subscriber):
    client = Client()
    client.force_login(premium_only_subscriber)

    share(client, edition)

    assert not Clip.objects.exists()


def test_the_account_page_lists_clips_with_their_links(edition, subscriber_client):
    share(subscriber_client, edition)
    clip = Clip.objects.get()

    page = subscriber_client.get("/accounts/epaper/").content.decode()

    assert f'href="{clip.get_absolute_url()}"' in page
    assert re.search(r"Main edition, 15 June 2026, page 2", page)


def test_a_readers_saved_pages_and_clips_are_exported_and_erased_with_their_data(edition, subscriber):
    from masthead.epaper import actions, files, personal_data

    actions.save_page(subscriber, edition.pages.get(number=1))
    clip = actions.share_clip(subscriber, edition.pages.get(number=2), left=0, top=0, width=0.5, height=0.5)

    exported = personal_data.export(subscriber)
    assert [s["page"] for s in exported["saved_pages"]] == [1]
    assert [(c["page"], c["revoked_at"]) for c in exported["shared_clips"]] == [(2, None)]

    personal_data.erase(subscriber)

    assert personal_data.export(subscriber) == {"saved_pages": [], "shared_clips": []}
    assert Client().get(clip.get_absolute_url()).status_code == 404
    assert not files.storage().exists(clip.image)
