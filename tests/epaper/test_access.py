"""Access through the one read path with the ePaper benefit: who sees pages, who sees the
front-page thumbnail and the paywall; signed page images that expire, are bound to their
reader and cannot be forged; every response private."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
from django.test import Client

from masthead.core import clock
from masthead.epaper import images
from tests.epaper.conftest import CANARY

pytestmark = pytest.mark.django_db

IMAGE = re.compile(r'/epaper/image/[^"\s]+/')


def image_addresses(response) -> list[str]:
    return IMAGE.findall(response.content.decode())


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def readers(metered_reader, premium_only_subscriber, subscriber):
    return {"anonymous": None, "metered": metered_reader, "premium-only plan": premium_only_subscriber}


def test_without_the_epaper_a_reader_sees_the_front_thumbnail_and_the_paywall(edition, readers, plans):
    front_thumb = edition.pages.get(number=1).thumb
    for who, user in readers.items():
        client = client_for(user)
        for number in (1, 2, 3):
            response = client.get(edition.page_url(number))
            page = response.content.decode()

            assert response.status_code == 200, who
            assert "The ePaper is for subscribers." in page, who
            addresses = image_addresses(response)
            assert len(addresses) == 1, (who, addresses)
            assert client.get(addresses[0]).status_code == 200
            # The one image is the front page's thumbnail, on every page of the edition.
            assert images.open_token(addresses[0].split("/")[3], response.wsgi_request) == front_thumb
            # The paywall offers the plans that include the ePaper, not the one that does not.
            assert "Choose Smart Essential" in page and "Premium Only" not in page, who
            assert response["Cache-Control"].startswith("private")


def test_a_subscriber_reads_every_page(edition, subscriber_client):
    pages = list(edition.pages.all())
    response = subscriber_client.get(edition.page_url(2))
    addresses = image_addresses(response)

    assert response.status_code == 200
    assert "The ePaper is for subscribers." not in response.content.decode()
    opened = {images.open_token(a.split("/")[3], response.wsgi_request) for a in addresses}
    assert pages[1].screen in opened and pages[1].zoom in opened
    assert {p.thumb for p in pages} <= opened
    image = subscriber_client.get(addresses[0])
    assert image.status_code == 200
    assert image["Content-Type"] in ("image/webp", "image/jpeg")
    assert image["Cache-Control"] == "private, max-age=300"
    assert "Cookie" in image["Vary"]


def test_a_page_image_address_opens_for_its_reader_only(edition, subscriber_client, make_reader, plans):
    from tests.epaper.conftest import _subscribe

    address = image_addresses(subscriber_client.get(edition.page_url(2)))[0]
    another_subscriber = client_for(_subscribe(make_reader("sara"), plans["smart-essential"]))

    assert subscriber_client.get(address).status_code == 200
    for other in (Client(), another_subscriber):
        refused = other.get(address)
        assert refused.status_code == 403
        assert refused.content == b"This page address was made for another reader."
        assert refused["Cache-Control"].startswith("private")


def test_a_page_image_address_expires_within_minutes(edition, subscriber_client, settings):
    address = image_addresses(subscriber_client.get(edition.page_url(1)))[0]

    with clock.travel(dt.timedelta(seconds=settings.MASTHEAD_EPAPER_IMAGE_SECONDS - 5)):
        assert subscriber_client.get(address).status_code == 200
    with clock.travel(dt.timedelta(seconds=settings.MASTHEAD_EPAPER_IMAGE_SECONDS + 5)):
        expired = subscriber_client.get(address)

    assert expired.status_code == 403
    assert expired.content == b"This page address has expired: reopen the page."


def test_a_forged_or_altered_address_opens_nothing(edition, subscriber_client):
    from django.core import signing

    address = image_addresses(subscriber_client.get(edition.page_url(1)))[0]
    token = address.split("/")[3]
    page = edition.pages.get(number=2)
    forged = [
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),            # the signature changed
        signing.TimestampSigner(salt="other").sign_object({"f": page.zoom, "u": ""}),  # signed otherwise
        signing.dumps({"f": page.zoom, "u": ""}),                                      # Django's default salt
        "../../etc/passwd",
        page.zoom.replace("/", "-"),
    ]
    for candidate in forged:
        response = Client().get(f"/epaper/image/{candidate}/")
        assert response.status_code in (403, 404), candidate
        assert response.get("Content-Type", "").startswith(("text/", "text/plain")), candidate


def test_no_page_image_is_at_a_guessable_address(edition):
    page = edition.pages.get(number=2)
    for guess in (f"/media/{page.screen}", f"/media/epaper/{page.screen}", f"/epaper/image/{page.screen}/",
                  f"/media/{edition.original}"):
        assert Client().get(guess).status_code == 404, guess


def test_search_shows_results_only_to_readers_with_the_epaper(edition, readers, subscriber_client):
    for who, user in readers.items():
        response = client_for(user).get("/epaper/search/", {"q": "harmonium"})
        assert "The ePaper is for subscribers." in response.content.decode(), who
        assert edition.page_url(2) not in response.content.decode(), who

    found = subscriber_client.get("/epaper/search/", {"q": "harmonium"}).content.decode()
    assert f'href="{edition.page_url(2)}"' in found
    assert CANARY in found
    within = subscriber_client.get("/epaper/search/", {"q": "harmonium", "edition": f"{edition.date}/main"})
    assert f'href="{edition.page_url(2)}"' in within.content.decode()
    assert "No page has" in subscriber_client.get("/epaper/search/", {"q": "nowhere-to-be-found"}).content.decode()


def test_search_across_editions_links_to_each_page(publish_edition, subscriber_client, today):
    older = publish_edition(date=today - dt.timedelta(days=3))
    newer = publish_edition(date=today)

    page = subscriber_client.get("/epaper/search/", {"q": "harmonium"}).content.decode()

    assert page.index(newer.page_url(2)) < page.index(older.page_url(2))


def test_the_pdf_is_stamped_with_the_subscribers_address_on_every_page(edition, subscriber_client, subscriber):
    response = subscriber_client.get(f"/epaper/{edition.date}/main/download.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    document = pdfium.PdfDocument(response.content)
    try:
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    assert len(texts) == 3
    for text in texts:
        assert f"Licensed to {subscriber.email}" in text


def test_the_pdf_is_refused_without_the_epaper_and_when_the_publisher_offers_none(edition, readers, subscriber_client,
                                                                                 settings):
    for who, user in readers.items():
        response = client_for(user).get(f"/epaper/{edition.date}/main/download.pdf")
        assert response.status_code == 403, who
        assert not response.content.startswith(b"%PDF")

    settings.MASTHEAD_EPAPER_DOWNLOAD = False
    assert subscriber_client.get(f"/epaper/{edition.date}/main/download.pdf").status_code == 404
    assert "Download PDF" not in subscriber_client.get(edition.page_url(1)).content.decode()


def test_unpublished_and_failed_editions_are_not_shown(publish_edition, subscriber_client, today):
    from masthead.epaper import actions

    ready = publish_edition(publish_when_ready=False)
    assert subscriber_client.get(ready.page_url(1)).status_code == 404
    actions.publish(ready)
    assert subscriber_client.get(ready.page_url(1)).status_code == 200
    actions.unpublish(ready)
    assert subscriber_client.get(ready.page_url(1)).status_code == 404
