"""`masthead epaper import` for back issues (a file, or a folder of them, with a progress
bar and a summary), the admin's upload and reasons, and the demo's fourteen editions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from masthead.epaper.models import Edition
from tests.epaper.conftest import corrupt_pdf, make_pdf

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("epaper", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_importing_one_file_with_a_date_and_an_edition_name(publication, tmp_path):
    pdf = tmp_path / "front.pdf"
    pdf.write_bytes(make_pdf(3))

    out, err = run(str(pdf), "--date", "2019-08-15", "--edition", "Kolkata")

    edition = Edition.objects.get()
    assert (edition.date, edition.name, edition.slug, edition.state, edition.page_count) == (
        dt.date(2019, 8, 15), "Kolkata", "kolkata", Edition.State.PUBLISHED, 3)
    assert "front.pdf [##########--------------------] 1/3 pages" in out
    assert "[##############################] 3/3 pages" in out
    assert "Imported 1 edition (3 pages), 0 failed, in" in out
    assert err == ""


def test_importing_a_folder_takes_each_date_from_its_name_and_reports_the_bad_ones(publication, tmp_path):
    (tmp_path / "2019-08-14.pdf").write_bytes(make_pdf(1))
    (tmp_path / "main-20190815.pdf").write_bytes(make_pdf(2))
    (tmp_path / "2019-08-16.pdf").write_bytes(corrupt_pdf())
    (tmp_path / "undated.pdf").write_bytes(make_pdf(1))
    (tmp_path / "notes.txt").write_text("not an edition")

    out, err = run(str(tmp_path))

    assert sorted(Edition.objects.filter(state="published").values_list("date", "page_count")) == [
        (dt.date(2019, 8, 14), 1), (dt.date(2019, 8, 15), 2)]
    assert Edition.objects.get(date=dt.date(2019, 8, 16)).state == Edition.State.FAILED
    assert "2019-08-16.pdf: failed: The PDF is damaged and cannot be read" in err
    assert "undated.pdf: skipped: no date in its name and no --date given" in err
    assert "Imported 2 editions (3 pages), 2 failed" in out


def test_an_import_that_imports_nothing_says_so(publication, tmp_path):
    (tmp_path / "2019-08-16.pdf").write_bytes(b"%PDF-1.7 truncated")
    with pytest.raises(CommandError, match="Nothing was imported."):
        run(str(tmp_path))
    with pytest.raises(CommandError, match="is not a date like 2026-12-02"):
        run(str(tmp_path / "2019-08-16.pdf"), "--date", "15/08/2019")
    with pytest.raises(CommandError, match="does not exist"):
        run(str(tmp_path / "missing.pdf"), "--date", "2019-08-15")


def test_staff_upload_in_the_admin_and_see_the_reason_a_pdf_failed(publication, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    editor = get_user_model().objects.create_superuser("edna", "edna@example.com", "pw-edna-1234")
    client = Client()
    client.force_login(editor)
    form = {"date": "2026-06-15", "name": "Main", "publish_when_ready": "on"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/epaper/edition/add/", {**form, "pdf": SimpleUploadedFile(
            "locked.pdf", make_pdf(1, password="secret"), content_type="application/pdf")})

    edition = Edition.objects.get()
    assert edition.state == Edition.State.FAILED
    listing = client.get("/admin/epaper/edition/").content.decode()
    assert "The PDF is encrypted (it needs a password to open)." in listing
    assert "Stopped: see the reason" in listing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/epaper/edition/{edition.pk}/change/", {**form, "pdf": SimpleUploadedFile(
            "fixed.pdf", make_pdf(2), content_type="application/pdf")})
    edition.refresh_from_db()
    assert (edition.state, edition.page_count, edition.failure_reason) == (Edition.State.PUBLISHED, 2, "")
    assert "2 pages" in client.get("/admin/epaper/edition/").content.decode()


def test_the_demo_prints_an_edition_a_day_from_its_stories_once(publication, today):
    from masthead.epaper import demo
    from tests.content.factories import ArticleFactory

    for n in range(8):
        ArticleFactory(headline=f"Demo story {n}", body=f"<p>Paragraph of demo story {n}.</p>")
    lines = []

    assert demo.DAYS == 14
    assert demo.seed_epaper(progress=lines.append, days=3) == 3
    assert demo.seed_epaper(progress=lines.append, days=3) == 0

    assert lines == ["ePaper: 3 editions printed, 0 already there", "ePaper: 0 editions printed, 3 already there"]
    editions = list(Edition.objects.order_by("-date"))
    assert [e.date for e in editions] == [today - dt.timedelta(days=n) for n in range(3)]
    assert all(e.state == Edition.State.PUBLISHED and e.page_count == demo.PAGES for e in editions)
    front = editions[0].pages.get(number=1).text
    assert publication.name in front and "Main edition" in front and "Demo story" in front


def test_the_admin_shows_progress_while_an_edition_is_processed(publication, today):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from masthead.epaper import actions

    editor = get_user_model().objects.create_superuser("edna", "edna@example.com", "pw-edna-1234")
    client = Client()
    client.force_login(editor)
    edition = actions.receive_edition(date=today, name="Main", data=make_pdf(2), process=False)
    assert "Waiting for the worker" in client.get("/admin/epaper/edition/").content.decode()

    def look(done, total):
        looked.append(client.get("/admin/epaper/edition/").content.decode())

    looked: list[str] = []
    actions.process_edition(edition.pk, progress=look)

    assert "1 of 2 pages (reload to follow)" in looked[0]
    assert "Processing" in looked[0]
    assert "Published" in client.get("/admin/epaper/edition/").content.decode()
