"""`masthead ingest`, the quarantine's "Process again", and the wire pages of the admin."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from masthead.content.models import Article, Source
from masthead.wire import actions
from masthead.wire.models import Quarantined, Revision, WireSource
from tests.wire.conftest import OWN_SAMPLES, ingest_bytes

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


def test_ingest_paths_into_an_ad_hoc_source_created_on_first_use(publication, news, tmp_path):
    for name in ("ninjs-1.x-v1.json", "atom.xml", "truncated.json"):
        shutil.copy(OWN_SAMPLES / name, tmp_path / name)

    out = run(str(tmp_path))
    again = run(str(tmp_path / "atom.xml"))

    assert "ingest     [##############################] 3/3" in out
    assert "2 new, 0 updated, 0 withdrawn, 0 ignored, 1 quarantined, 0 held for an editor (3 documents)" in out
    assert "0 new, 0 updated, 0 withdrawn, 1 ignored, 0 quarantined" in again
    ad_hoc = WireSource.objects.get()
    assert ad_hoc.source.name == actions.AD_HOC_NAME and ad_hoc.auto_publish is False
    assert Article.objects.filter(source=ad_hoc.source, status="draft").count() == 2
    assert (tmp_path / "atom.xml").exists()  # files named on the command line stay where they are


def test_ingest_into_a_named_source_and_refusals(wire, tmp_path):
    shutil.copy(OWN_SAMPLES / "rss.xml", tmp_path / "rss.xml")

    out = run("--source", "afp", str(tmp_path / "rss.xml"))

    assert "2 new" in out and Article.objects.filter(source=wire.source).count() == 2
    with pytest.raises(CommandError, match="no wire source named 'Reuters'"):
        run("--source", "Reuters", str(tmp_path / "rss.xml"))
    with pytest.raises(CommandError, match="no such file or folder"):
        run("--source", "AFP", str(tmp_path / "missing.xml"))


def test_ingest_with_no_argument_polls_every_enabled_source(wire, desk_wire, tmp_path):
    for source, name in ((wire, "rss.xml"), (desk_wire, "atom.xml")):
        inbox = tmp_path / source.source.slug
        inbox.mkdir()
        shutil.copy(OWN_SAMPLES / name, inbox / name)
        source.transport, source.location = WireSource.Transport.FOLDER, str(inbox)
        source.save()
    desk_wire.enabled = False
    desk_wire.save()

    out = run()
    one = run("--source", "Desk Agency")

    assert "2 new" in out and "1 new" in one


def test_a_quarantined_document_can_be_processed_again_once_fixed(wire, editor_client):
    ingest_bytes(wire, b'{"uri": "urn:test:fix", "headline": "Fixed later", "body_text": "Text', name="broken.json")
    row = Quarantined.objects.get()
    assert "truncated or invalid JSON" in row.reason

    assert actions.reprocess(row) is False
    row.refresh_from_db()
    assert row.attempts == 2 and row.resolved_at is None and Quarantined.objects.count() == 1

    row.document.save("fixed.json", io.BytesIO(b'{"uri": "urn:test:fix", "headline": "Fixed later", "body_text": "Text"}'))
    response = editor_client.post("/admin/wire/quarantined/", {"action": "process_again", "_selected_action": [row.pk]},
                                  follow=True)

    row.refresh_from_db()
    assert "1 ingested, 0 still failing." in response.content.decode()
    assert row.resolved_at is not None and Article.objects.get().headline == "Fixed later"


def test_the_quarantine_is_listed_in_the_admin_with_its_reason(wire, editor_client):
    ingest_bytes(wire, (OWN_SAMPLES / "billion-laughs.xml").read_bytes(), name="lolz.xml")

    html = editor_client.get("/admin/wire/quarantined/?resolved=no").content.decode()

    assert "lolz.xml" in html and "refused: the XML declares a DTD" in html


def test_a_source_is_created_in_the_admin_with_its_name_and_disclaimer(editor_client, news):
    response = editor_client.post("/admin/wire/wiresource/add/", {
        "name": "Press Trust", "disclaimer": "Disclaimer: No {publication} journalist was involved.",
        "enabled": "on", "transport": "upload", "location": "", "format": "auto", "poll_minutes": "5",
        "default_section": news.pk, "default_access": "metered", "byline_rule": "agency", "credit": "PTI",
        "mappings-TOTAL_FORMS": "0", "mappings-INITIAL_FORMS": "0", "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get(name="Press Trust")
    assert source.disclaimer == "Disclaimer: No {publication} journalist was involved."
    assert source.wire.credit == "PTI" and source.wire.byline_rule == "agency"


def test_the_admin_refuses_an_http_source_without_an_address(editor_client, news):
    response = editor_client.post("/admin/wire/wiresource/add/", {
        "name": "Feedless", "transport": "http", "location": "ftp://nope", "format": "auto", "poll_minutes": "5",
        "default_section": news.pk, "default_access": "metered", "byline_rule": "agency",
        "mappings-TOTAL_FORMS": "0", "mappings-INITIAL_FORMS": "0", "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    })

    assert response.status_code == 200
    assert "HTTP polling needs the feed" in response.content.decode()
    assert not Source.objects.filter(name="Feedless").exists()


def test_files_uploaded_in_the_admin_are_ingested(wire, editor_client):
    url = f"/admin/wire/wiresource/{wire.pk}/upload/"
    assert editor_client.get(url).status_code == 200

    response = editor_client.post(url, {"files": [
        SimpleUploadedFile("rss.xml", (OWN_SAMPLES / "rss.xml").read_bytes()),
        SimpleUploadedFile("bad.json", b"{"),
    ]}, follow=True)

    html = response.content.decode()
    assert "2 new, 0 updated, 0 withdrawn, 0 ignored, 1 quarantined" in html
    assert Article.objects.filter(source=wire.source).count() == 2


def test_pending_revisions_are_taken_from_the_admin(wire, editor_client):
    ingest_bytes(wire, (OWN_SAMPLES / "ninjs-1.x-v1.json").read_bytes())
    article = Article.objects.get()
    article.standfirst = "The desk's own standfirst."
    article.save()
    ingest_bytes(wire, (OWN_SAMPLES / "ninjs-1.x-v2.json").read_bytes())
    pending = Revision.objects.get(state="pending")

    assert "Waiting for an editor" in editor_client.get("/admin/wire/revision/?state=pending").content.decode()
    editor_client.post("/admin/wire/revision/", {"action": "take_agency_version", "_selected_action": [pending.pk]})

    article.refresh_from_db()
    assert article.headline.endswith("trains delayed")


def test_the_wire_stories_list_in_the_admin(wire, editor_client):
    ingest_bytes(wire, (OWN_SAMPLES / "ninjs-1.x-v1.json").read_bytes())

    html = editor_client.get("/admin/wire/wirestory/").content.decode()

    assert "Monsoon reaches Mumbai two days early" in html


def test_the_sources_list_and_form_show_the_source_and_its_settings(wire, editor_client):
    listing = editor_client.get("/admin/wire/wiresource/").content.decode()
    form = editor_client.get(f"/admin/wire/wiresource/{wire.pk}/change/").content.decode()

    assert "AFP" in listing and "Upload files" in listing
    assert 'value="AFP"' in form and "{publication} journalist" in form and "Subject mappings" in form
