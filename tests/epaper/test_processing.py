"""Processing: a PDF becomes pages (three image sizes and the text); a bad PDF fails with a
reason, stays unpublished, touches nothing else, and can be processed again."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from masthead.epaper import actions, files, processing
from masthead.epaper.models import Edition, Page, SavedPage
from tests.epaper.conftest import CANARY, FRONT_HEADLINE, corrupt_pdf, make_pdf

pytestmark = pytest.mark.django_db


def test_a_pdf_becomes_published_pages_with_images_and_text(publish_edition):
    edition = publish_edition(make_pdf(3))

    assert edition.state == Edition.State.PUBLISHED
    assert (edition.page_count, edition.pages_done, edition.failure_reason) == (3, 3, "")
    pages = list(edition.pages.all())
    assert [p.number for p in pages] == [1, 2, 3]
    assert FRONT_HEADLINE in pages[0].text and CANARY in pages[1].text and CANARY not in pages[0].text
    for page in pages:
        for size, width in processing.SIZES.items():
            with Image.open(io.BytesIO(files.read(page.image(size)))) as image:
                assert image.width == width
                assert image.format == processing.FORMATS[size][0]
    assert files.read(edition.original).startswith(b"%PDF-")


def test_progress_is_recorded_page_by_page(publication, today):
    edition = actions.receive_edition(date=today, name="Main", data=make_pdf(3), process=False)
    seen = []

    def progress(done, total):
        seen.append((done, total, Edition.objects.get(pk=edition.pk).pages_done))

    actions.process_edition(edition.pk, progress=progress)

    assert seen == [(1, 3, 1), (2, 3, 2), (3, 3, 3)]


def test_an_edition_can_wait_unpublished_until_staff_publish_it(publish_edition):
    edition = publish_edition(publish_when_ready=False)
    assert edition.state == Edition.State.READY and edition.published_at is None

    actions.publish(edition)

    assert Edition.objects.get(pk=edition.pk).state == Edition.State.PUBLISHED


@pytest.mark.parametrize("data, reason", [
    (corrupt_pdf(), "The PDF is damaged and cannot be read"),
    (make_pdf(2, password="printers-only"), "The PDF is encrypted"),
    (b"<html>not a pdf</html>", "This file is not a PDF"),
    (b"", "The file is empty."),
], ids=["corrupt", "encrypted", "not-a-pdf", "empty"])
def test_a_bad_pdf_fails_with_its_reason_and_nothing_else_changes(publish_edition, today, data, reason):
    import datetime as dt

    yesterday = publish_edition(make_pdf(2), date=today - dt.timedelta(days=1))
    pages_before = list(Page.objects.values_list("pk", "screen"))

    failed = publish_edition(data)

    assert failed.state == Edition.State.FAILED
    assert failed.failure_reason.startswith(reason), failed.failure_reason
    assert failed.pages.count() == 0 and not failed.is_published
    assert Edition.objects.get(pk=yesterday.pk).state == Edition.State.PUBLISHED
    assert list(Page.objects.values_list("pk", "screen")) == pages_before


def test_an_oversized_pdf_is_refused_before_it_is_kept(publish_edition, settings):
    settings.MASTHEAD_EPAPER_MAX_MB = 0

    failed = publish_edition(make_pdf(1))

    assert failed.state == Edition.State.FAILED
    assert "over the limit of 0 MB (MASTHEAD_EPAPER_MAX_MB)" in failed.failure_reason
    assert failed.original == ""


def test_too_many_pages_fail_with_the_limit(publish_edition, settings):
    settings.MASTHEAD_EPAPER_MAX_PAGES = 2

    failed = publish_edition(make_pdf(3))

    assert failed.failure_reason == "The PDF has 3 pages, over the limit of 2 (MASTHEAD_EPAPER_MAX_PAGES)."


def test_a_failed_edition_succeeds_when_the_right_pdf_is_uploaded_again(publish_edition):
    failed = publish_edition(corrupt_pdf())

    fixed = publish_edition(make_pdf(2))

    assert fixed.pk == failed.pk
    assert fixed.state == Edition.State.PUBLISHED and fixed.failure_reason == ""
    assert fixed.pages.count() == 2


def test_processing_again_replaces_images_and_keeps_saved_pages_and_clips(publish_edition, subscriber,
                                                                          django_capture_on_commit_callbacks):
    edition = publish_edition(make_pdf(2))
    page = edition.pages.get(number=2)
    actions.save_page(subscriber, page)
    clip = actions.share_clip(subscriber, page, left=0, top=0, width=0.5, height=0.5)
    old_screen = page.screen

    with django_capture_on_commit_callbacks(execute=True):
        actions.reprocess(edition)

    page.refresh_from_db()
    assert page.screen != old_screen
    assert not files.storage().exists(old_screen)
    assert files.storage().exists(page.screen)
    assert SavedPage.objects.filter(user=subscriber, page=page).exists()
    clip.refresh_from_db()
    assert clip.page_id == page.pk and files.storage().exists(clip.image)


def test_an_unexpected_error_is_recorded_as_the_reason(publish_edition, monkeypatch):
    def explode(*args, **kwargs):
        raise MemoryError("out of memory while rendering")

    monkeypatch.setattr(processing, "_rasterise", explode)

    failed = publish_edition(make_pdf(1))

    assert failed.state == Edition.State.FAILED
    assert failed.failure_reason == ("Processing stopped on an unexpected error (MemoryError: out of memory "
                                     "while rendering).")
    assert _page_images() == []


def _page_images() -> list[str]:
    import pathlib

    root = pathlib.Path(files.storage().location) / "pages"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_failure_midway_removes_the_images_already_made(publish_edition, monkeypatch):
    real = processing._rasterise

    def second_page_breaks(document, index):
        if index == 1:
            raise processing.Unusable("Page 2 could not be rendered (test).")
        return real(document, index)

    monkeypatch.setattr(processing, "_rasterise", second_page_breaks)

    failed = publish_edition(make_pdf(3))

    assert failed.failure_reason == "Page 2 could not be rendered (test)."
    assert _page_images() == []
