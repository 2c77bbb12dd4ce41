"""The viewer without JavaScript: plain pages of images with links (previous, next, every
page's thumbnail, jump to a page, zoom), a calendar that reaches every edition, the spread
of facing pages for wide screens, and valid HTML."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from masthead.epaper.views import spread
from tests.epaper.conftest import make_pdf

pytestmark = pytest.mark.django_db


def links(response) -> list[str]:
    return re.findall(r'href="([^"]+)"', response.content.decode())


def test_epaper_opens_the_latest_edition(publish_edition, subscriber_client, today):
    publish_edition(date=today - dt.timedelta(days=1))
    newest = publish_edition(date=today)
    publish_edition(date=today + dt.timedelta(days=1))  # tomorrow's, uploaded early: not yet

    response = subscriber_client.get("/epaper/")

    assert response.status_code == 302
    assert response["Location"] == newest.get_absolute_url()


def test_with_no_edition_yet_the_epaper_says_so(publication, subscriber_client):
    response = subscriber_client.get("/epaper/")

    assert response.status_code == 200
    assert "No edition has been published yet" in response.content.decode()


def test_each_page_links_to_the_previous_the_next_and_every_page(edition, subscriber_client):
    first, middle, last = (subscriber_client.get(edition.page_url(n)) for n in (1, 2, 3))

    assert edition.page_url(2) in links(first) and 'rel="prev"' not in first.content.decode()
    assert 'rel="prev" href="' + edition.page_url(1) in middle.content.decode()
    assert 'rel="next" href="' + edition.page_url(3) in middle.content.decode()
    assert 'rel="next"' not in last.content.decode()
    for n in (1, 2, 3):
        assert edition.page_url(n) in links(middle)
    assert 'aria-current="page"><img' in middle.content.decode()


def test_the_jump_form_goes_to_the_page_asked_for_within_the_edition(edition, subscriber_client):
    assert subscriber_client.get(edition.get_absolute_url(), {"page": "3"})["Location"] == edition.page_url(3)
    assert subscriber_client.get(edition.get_absolute_url(), {"page": "99"})["Location"] == edition.page_url(3)
    assert subscriber_client.get(edition.get_absolute_url(), {"page": "-4"})["Location"] == edition.page_url(1)
    assert subscriber_client.get(edition.page_url(2), {"page": "two"})["Location"] == edition.page_url(2)
    assert subscriber_client.get(edition.page_url(4)).status_code == 404
    assert subscriber_client.get(f"/epaper/{edition.date}/nonesuch/").status_code == 404
    assert subscriber_client.get("/epaper/2026-02-30/main/").status_code == 404


def test_the_zoom_page_shows_the_largest_image_and_leads_back(edition, subscriber_client):
    from masthead.epaper import images

    response = subscriber_client.get(f"/epaper/{edition.date}/main/2/zoom/")
    main = re.search(r'id="epaper-image" src="/epaper/image/([^/]+)/"', response.content.decode()).group(1)

    assert images.open_token(main, response.wsgi_request) == edition.pages.get(number=2).zoom
    assert 'href="' + edition.page_url(2) + '">Zoom out' in response.content.decode()


def test_wide_screens_get_the_facing_page(publish_edition, subscriber_client):
    edition = publish_edition(make_pdf(5))
    assert [spread(n, 5) for n in range(1, 6)] == [[1], [2, 3], [2, 3], [4, 5], [4, 5]]
    assert spread(4, 4) == [4]

    html = subscriber_client.get(edition.page_url(3)).content.decode()

    assert re.search(r'class="epaper-facing" href="' + re.escape(edition.page_url(2)), html)
    assert 'data-spread-href="' + edition.page_url(4) in html  # "next" on a wide screen: the next spread
    assert 'class="epaper-facing"' not in subscriber_client.get(edition.page_url(1)).content.decode()


def test_the_calendar_reaches_every_past_edition(publish_edition, today):
    editions = [publish_edition(make_pdf(1), date=today - dt.timedelta(days=back)) for back in (0, 1, 40)]
    client = Client()

    this_month = client.get("/epaper/calendar/").content.decode()
    older = client.get("/epaper/calendar/", {"month": f"{editions[2].date:%Y-%m}"}).content.decode()

    for edition in editions[:2]:
        assert f'href="/epaper/{edition.date}/"' in this_month
    assert f'href="/epaper/{editions[2].date}/"' in older
    assert 'rel="prev"' in this_month  # the month of the oldest edition is reachable
    assert client.get(f"/epaper/{editions[2].date}/")["Location"] == editions[2].get_absolute_url()
    assert client.get("/epaper/calendar/", {"month": "2026-13"}).status_code == 200  # nonsense: this month


def test_a_day_with_two_editions_lists_both(publish_edition, today):
    publish_edition(make_pdf(1), name="Mumbai")
    publish_edition(make_pdf(1), name="Delhi")

    page = Client().get(f"/epaper/{today}/").content.decode()

    assert f'href="/epaper/{today}/delhi/">Delhi edition' in page
    assert f'href="/epaper/{today}/mumbai/">Mumbai edition' in page


def test_the_viewer_loads_its_script_from_the_site_and_works_as_links_without_it(edition, subscriber_client):
    html = subscriber_client.get(edition.page_url(2)).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)

    assert scripts == ['<script src="/static/epaper/viewer.js" defer>']
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.html
def test_epaper_pages_are_valid_html(edition, subscriber_client, subscriber, tmp_path):
    from masthead.epaper import actions
    from tests.core.test_html_valid import check, vnu_command

    vnu_command()
    clip = actions.share_clip(subscriber, edition.pages.get(number=2), left=0, top=0, width=0.5, height=0.5)
    actions.save_page(subscriber, edition.pages.get(number=1))
    pages = {
        "viewer": subscriber_client.get(edition.page_url(2)),
        "zoom": subscriber_client.get(f"/epaper/{edition.date}/main/2/zoom/"),
        "paywall": Client().get(edition.page_url(2)),
        "calendar": Client().get("/epaper/calendar/"),
        "search": subscriber_client.get("/epaper/search/", {"q": "harmonium", "edition": f"{edition.date}/main"}),
        "search-paywall": Client().get("/epaper/search/", {"q": "harmonium"}),
        "account": subscriber_client.get("/accounts/epaper/"),
        "clip": Client().get(clip.get_absolute_url()),
        "clip-shared": subscriber_client.get(clip.get_absolute_url() + "?shared=1"),
    }
    actions.withdraw_clip(clip)
    pages["clip-gone"] = Client().get(clip.get_absolute_url())
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 410), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert check(files) == []
