"""No leaks, proven for the ePaper: a canary sentence printed on page 2 of an edition is
absent from everything a reader without the ePaper can fetch, and none of it gives them a
page image but the front-page thumbnail (the canary pattern of tests/access/test_leaks.py)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
from django.test import Client

from masthead.epaper import images
from masthead.epaper.models import Clip
from tests.epaper.conftest import CANARY, CANARY_WORDS

pytestmark = pytest.mark.django_db


def assert_no_canary(response, what: str, echo: str = "") -> None:
    """The canary's words appear nowhere, except `echo`: the reader's own query, which comes
    back in the search box, the title and the log-in link's next=."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace").lower()
    if echo:
        text = re.sub(r"next=[^\"&]*", "", text)
        for form in (echo, quote_plus(echo), quote(echo)):
            text = text.replace(form.lower(), "")
    headers = "\n".join(f"{k}: {v}" for k, v in response.items()).lower()
    for needle in [CANARY, *CANARY_WORDS]:
        assert needle.lower() not in text, f"{what} leaks {needle!r}"
        assert needle.lower() not in headers, f"{what} headers leak {needle!r}"


def every_address(edition) -> list[str]:
    day = f"/epaper/{edition.date}"
    base = f"{day}/main"
    return [
        "/epaper/", f"{day}/", f"{base}/", f"{base}/1/", f"{base}/2/", f"{base}/3/", f"{base}/2/zoom/",
        f"{base}/?page=2", f"{base}/download.pdf", "/epaper/calendar/", f"/epaper/calendar/?month={edition.date:%Y-%m}",
        "/epaper/search/?q=harmonium", "/epaper/search/?q=Zanzibar+harmonium",
        f"/epaper/search/?q=regatta&edition={edition.date}/main", "/accounts/epaper/",
        "/rss/", "/sitemap.xml", "/search/?q=harmonium", "/api/articles/",
    ]


@pytest.fixture
def clip_of_page_one(edition, subscriber):
    """A clip a subscriber shared of the front page: open to anyone, and holding no canary."""
    from masthead.epaper import actions

    return actions.share_clip(subscriber, edition.pages.get(number=1), left=0, top=0, width=0.5, height=0.2)


def test_no_epaper_text_or_page_image_reaches_a_reader_without_the_benefit(
        edition, metered_reader, premium_only_subscriber, clip_of_page_one):
    front_thumb = edition.pages.get(number=1).thumb
    for who, user in {"anonymous": None, "metered": metered_reader, "premium-only": premium_only_subscriber}.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        addresses = every_address(edition) + [clip_of_page_one.get_absolute_url(),
                                              f"/epaper/clip/{clip_of_page_one.token}/image/"]
        for address in addresses:
            response = client.get(address, follow=True)
            assert response.status_code in (200, 403, 404), (who, address, response.status_code)
            echo = parse_qs(urlsplit(address).query).get("q", [""])[0]
            assert_no_canary(response, f"{address} for {who}", echo=echo)
            if response.streaming:
                continue
            for token in re.findall(r"/epaper/image/([^/\"\s]+)/", response.content.decode()):
                assert images.open_token(token, response.wsgi_request) == front_thumb, (who, address)
            if address.startswith("/epaper/") and "clip" not in address:
                assert "private" in response.get("Cache-Control", ""), (who, address)


def test_the_subscriber_does_get_the_text_so_the_canary_can_be_seen(edition, subscriber_client):
    """The check above would pass vacuously if the canary never reached anyone."""
    found = subscriber_client.get("/epaper/search/?q=harmonium").content.decode()

    assert CANARY in found


def test_a_revoked_clip_leaks_nothing_either(clip_of_page_one):
    from masthead.epaper import actions

    actions.withdraw_clip(clip_of_page_one)

    response = Client().get(clip_of_page_one.get_absolute_url())
    assert response.status_code == 410
    assert f"/epaper/clip/{clip_of_page_one.token}/image/" not in response.content.decode()
    assert Clip.objects.get().revoked_at is not None
