"""The ePaper journey: a subscriber opens today's ePaper, turns pages by keyboard, zooms,
shares a clip; an anonymous browser opens the clip, but no other page of the paper."""

from __future__ import annotations

import re

import pytest

from masthead.core import clock
from tests.browser import journeys as step
from tests.browser.factories import make_user
from tests.instants import ORDINARY_DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "sunil.reader@example.in"


@pytest.fixture
def todays_edition(settings, tmp_path):
    """Today's five-page edition, processed, and a subscriber whose plan includes the ePaper."""
    import datetime as dt

    from masthead.billing.models import Plan, Subscription
    from masthead.epaper import actions
    from tests.content.factories import PublicationFactory
    from tests.epaper.conftest import make_pdf

    settings.STORAGES = {**settings.STORAGES, "epaper": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "epaper"), "base_url": None},
    }}
    with clock.travel(ORDINARY_DAY):
        publication = PublicationFactory(name="The Journey Herald")
        step.seed_plans()
        user = make_user(EMAIL)
        now = clock.now()
        Subscription.objects.create(
            user=user, plan=Plan.objects.get(code="smart-essential"), state=Subscription.State.ACTIVE,
            gateway="sandbox", current_period_start=now, current_period_end=now + dt.timedelta(days=365),
            access_until=now + dt.timedelta(days=365), created_at=now, updated_at=now)
        edition = actions.receive_edition(date=publication.local(now).date(), name="Main", data=make_pdf(5))
        edition.refresh_from_db()
        assert edition.state == "published", edition.failure_reason
        yield edition


def image_loaded(page, selector: str) -> int:
    """The natural width of the image once it has loaded (0 if it did not)."""
    page.wait_for_function(f"document.querySelector('{selector}').complete")
    return page.eval_on_selector(selector, "img => img.naturalWidth")


def test_a_subscriber_reads_zooms_and_shares_a_clip_that_a_stranger_can_open_alone(new_context, todays_edition):
    edition = todays_edition
    reader = new_context("subscriber").new_page()
    step.log_in(reader, EMAIL, "/epaper/")

    # Today's ePaper opens on its front page.
    assert step.path_of(reader) == edition.get_absolute_url()
    assert "Page 1 of 5" in step.text_of(reader)
    assert image_loaded(reader, "#epaper-image") > 0

    # The keyboard turns pages, both ways; on this wide screen a spread at a time (2-3, 4-5).
    with reader.expect_navigation():
        reader.keyboard.press("ArrowRight")
    assert step.path_of(reader) == edition.page_url(2)
    assert reader.locator(".epaper-facing img[alt='Page 3']").is_visible()
    with reader.expect_navigation():
        reader.keyboard.press("ArrowRight")
    assert step.path_of(reader) == edition.page_url(4)
    with reader.expect_navigation():
        reader.keyboard.press("ArrowLeft")
    assert step.path_of(reader) == edition.page_url(2)
    screen_width = image_loaded(reader, "#epaper-image")
    page_two_image = reader.get_attribute("#epaper-image", "src")

    # Zoom in place and out again.
    reader.keyboard.press("+")
    reader.wait_for_selector("#epaper-page.is-zoomed")
    reader.wait_for_function("document.querySelector('#epaper-image').src.includes(document.querySelector('#epaper-image').dataset.zoomSrc)")
    assert image_loaded(reader, "#epaper-image") > screen_width
    assert reader.get_attribute("#epaper-zoom", "aria-pressed") == "true"
    reader.keyboard.press("Escape")
    reader.wait_for_selector("#epaper-page:not(.is-zoomed)")

    # Share a clip: select a rectangle on the page by dragging.
    reader.click("#epaper-clip summary")
    reader.click("#epaper-select")
    box = reader.locator("#epaper-image").bounding_box()
    reader.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.1)
    reader.mouse.down()
    reader.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4, steps=5)
    reader.mouse.up()
    assert reader.locator(".epaper-selection").is_visible()
    assert float(reader.input_value("#epaper-clip-form [name=width]")) == pytest.approx(50, abs=1)
    with reader.expect_navigation():
        reader.click("#epaper-clip-form button[type=submit]")
    assert "Your clip is shared" in step.text_of(reader)
    clip_link = reader.input_value(".epaper-shared__link")
    assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/epaper/clip/[-_A-Za-z0-9]+/", clip_link)

    # A stranger opens the clip: the clip's image and the publication's name, nothing else.
    stranger = new_context("stranger").new_page()
    stranger.goto(clip_link)
    assert "The Journey Herald" in step.text_of(stranger)
    assert image_loaded(stranger, ".epaper-clip img") > 0
    assert "/epaper/image/" not in stranger.content()
    # The subscriber's page image address shows the stranger nothing...
    copied = stranger.request.get(page_two_image)
    assert copied.status == 403
    # ...and the ePaper itself is behind the paywall, with only the front-page thumbnail.
    stranger.goto(edition.page_url(2))
    assert "The ePaper is for subscribers." in step.text_of(stranger)
    assert len(re.findall(r"/epaper/image/", stranger.content())) == 1
    assert stranger.request.get(f"{edition.get_absolute_url()}download.pdf").status == 403


def test_on_a_phone_without_javascript_the_epaper_is_pages_of_images_with_links(new_context, todays_edition):
    edition = todays_edition
    phone = new_context("phone-nojs", javascript=False).new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    step.log_in(phone, EMAIL, "/epaper/")

    assert image_loaded(phone, "#epaper-image") > 0
    width = phone.eval_on_selector("#epaper-image", "img => img.getBoundingClientRect().width")
    assert 300 < width <= 390  # the page fills the phone's width, no sideways scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_navigation():
        phone.click("#epaper-next")
    assert step.path_of(phone) == edition.page_url(2)
    # Page 3 faces page 2, but a phone shows one page at a time.
    assert phone.eval_on_selector(".epaper-facing", "a => getComputedStyle(a).display") == "none"
    phone.fill("#epaper-jump", "5")
    with phone.expect_navigation():
        phone.click(".epaper-jump button")
    assert step.path_of(phone) == edition.page_url(5)
    with phone.expect_navigation():
        phone.click("#epaper-zoom")
    assert step.path_of(phone) == f"/epaper/{edition.date}/main/5/zoom/"
    assert image_loaded(phone, "#epaper-image") > width
