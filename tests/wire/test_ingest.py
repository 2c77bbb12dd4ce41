"""Items become articles: identity, versions, kills, embargoes, editors' edits, placement,
credits, pictures and the disclaimer on the page, in the API and in feeds."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from PIL import Image

from masthead.content import actions as content_actions
from masthead.content.models import Article
from masthead.content.pictures import Picture
from masthead.core import clock
from masthead.wire import actions
from masthead.wire.models import Quarantined, Revision, SubjectMapping, WireStory
from tests.content.factories import SectionFactory, TagFactory
from tests.instants import ORDINARY_DAY
from tests.wire.conftest import OWN_SAMPLES, SHARED_SAMPLES, ingest_bytes, shared_samples

pytestmark = pytest.mark.django_db
DISCLAIMER = "Disclaimer: No The Test Gazette journalist was involved in the creation of this content."


def read_page(client, url: str):
    """The article page as a reader's browser gets it (round the meter's cookie check)."""
    return client.get(url, follow=True)


def sample(name: str) -> bytes:
    return (OWN_SAMPLES / name).read_bytes()


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason=f"the shared wire samples are not at {SHARED_SAMPLES}")
def test_every_shared_sample_becomes_a_sensible_article(wire, client):
    tally = actions.ingest_paths(wire, [str(p) for p in shared_samples()])

    # Two samples are one item (the same uri and version, in ninjs 1.4 and 3.0): the second is ignored.
    assert (tally.new, tally.ignored, tally.quarantined) == (7, 1, 0)
    for story in WireStory.objects.select_related("article__source"):
        article = story.article
        assert article.headline and article.credit.endswith("AFP")
        assert article.origin == Article.Origin.WIRE and article.disclaimer == DISCLAIMER
        assert story.version_created or story.format == "nitf"
        if story.guid == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED":
            # Its body is only comments: kept as a draft for an editor, never published empty.
            assert article.status == Article.Status.DRAFT and article.body == ""
            continue
        assert article.status == Article.Status.PUBLISHED and article.published_at == ORDINARY_DAY
        assert article.body.startswith(("<p>", "<section")) or "<p>" in article.body
        page = read_page(client, article.get_absolute_url())
        assert page.status_code == 200, article.headline
        html = page.content.decode()
        assert DISCLAIMER in html and article.credit.replace("'", "&#x27;") in html
    dpa = Article.objects.get(headline__startswith="Faktencheck")
    assert dpa.credit == "By Christian Hollmann, dpa, AFP"  # "Von" read as "By"; the source is AFP here


def test_re_ingesting_the_same_files_creates_nothing_new(wire):
    paths = [str(OWN_SAMPLES / n) for n in ("ninjs-1.x-v1.json", "rss.xml", "atom.xml", "newsml-xhtml-message.xml")]
    first = actions.ingest_paths(wire, paths)
    again = actions.ingest_paths(wire, paths)

    assert first.new == 5
    assert (again.new, again.updated, again.ignored) == (0, 0, 5 + 2)  # + the package and the picture, skipped again
    assert Article.objects.count() == 5 and Revision.objects.count() == 5


def test_a_newer_version_updates_in_place_keeping_the_url_and_showing_updated(wire, client):
    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    article = Article.objects.get()
    url = article.get_absolute_url()

    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=2), frozen=True):
        tally = ingest_bytes(wire, sample("ninjs-1.x-v2.json"))
        html = read_page(client, url).content.decode()

    article.refresh_from_db()
    assert tally.updated == 1 and Article.objects.count() == 1
    assert article.get_absolute_url() == url
    assert article.headline == "Monsoon reaches Mumbai two days early, trains delayed"
    assert article.updated_at == ORDINARY_DAY + dt.timedelta(hours=2)
    assert "Updated <time" in html and "delaying suburban trains" in html and DISCLAIMER in html
    assert list(Revision.objects.values_list("version", "state")) == [(2, "applied"), (1, "applied")]


def test_an_older_or_equal_version_is_ignored(wire):
    ingest_bytes(wire, sample("ninjs-1.x-v2.json"))

    older = ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    same = ingest_bytes(wire, sample("ninjs-1.x-v2.json"))

    assert (older.ignored, same.ignored) == (1, 1)
    assert Article.objects.get().headline.endswith("trains delayed")


def test_a_kill_withdraws_the_story_and_its_page_says_so(wire, client):
    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    article = Article.objects.get()
    url = article.get_absolute_url()
    assert read_page(client, url).status_code == 200

    tally = ingest_bytes(wire, sample("ninjs-1.x-kill.json"))
    later = ingest_bytes(wire, sample("ninjs-1.x-v2.json"))

    article.refresh_from_db()
    page = client.get(url)
    assert tally.withdrawn == 1 and later.ignored == 1
    assert article.status == Article.Status.WITHDRAWN
    assert page.status_code == 410 and "This story has been withdrawn" in page.content.decode()
    assert "Monsoon" not in page.content.decode()
    assert "Monsoon" not in client.get("/").content.decode()


def test_a_kill_for_an_unknown_story_creates_nothing(wire):
    tally = ingest_bytes(wire, sample("ninjs-1.x-kill.json"))

    assert (tally.ignored, Article.objects.count()) == (1, 0)


def test_an_embargoed_story_goes_live_at_its_embargo(wire, client):
    ingest_bytes(wire, sample("ninjs-3.0-embargoed.json"))
    article = Article.objects.get()
    embargo = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.timezone.utc)

    assert article.status == Article.Status.SCHEDULED and article.published_at == embargo
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "RBI holds" not in client.get("/").content.decode()
    with clock.travel(embargo - dt.timedelta(seconds=1), frozen=True):
        assert not article.is_live()
    with clock.travel(embargo, frozen=True):
        assert read_page(client, article.get_absolute_url()).status_code == 200
        assert "RBI holds" in client.get("/").content.decode()


def test_an_editors_change_is_never_overwritten_the_update_waits(wire, client):
    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    article = Article.objects.get()
    article.headline = "Monsoon arrives early in Mumbai (desk headline)"
    article.save()

    tally = ingest_bytes(wire, sample("ninjs-1.x-v2.json"))

    article.refresh_from_db()
    pending = Revision.objects.get(state=Revision.State.PENDING)
    assert tally.held == 1 and tally.updated == 0
    assert article.headline == "Monsoon arrives early in Mumbai (desk headline)"
    assert pending.version == 2 and pending.headline.endswith("trains delayed")

    actions.apply_revision(pending)

    article.refresh_from_db()
    assert article.headline.endswith("trains delayed")
    assert Revision.objects.get(pk=pending.pk).state == Revision.State.APPLIED


def test_an_editor_may_keep_their_text(wire):
    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    article = Article.objects.get()
    content_actions.revise_article(article, headline="Desk headline", standfirst=article.standfirst,
                                   body=article.body, credit=article.credit)
    ingest_bytes(wire, sample("ninjs-1.x-v2.json"))

    actions.discard_revision(Revision.objects.get(state=Revision.State.PENDING))

    article.refresh_from_db()
    assert article.headline == "Desk headline"
    assert Revision.objects.filter(state=Revision.State.DISCARDED).count() == 1


def test_a_draft_source_lands_stories_for_an_editor(desk_wire, client):
    ingest_bytes(desk_wire, sample("ninjs-1.x-v1.json"))
    article = Article.objects.get()

    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_subjects_map_to_sections_and_tags_and_defaults_apply(wire):
    weather = SectionFactory(slug="weather", name="Weather")
    monsoon, wire_tag = TagFactory(name="Monsoon", slug="monsoon"), TagFactory(name="Wire", slug="wire")
    wire.default_tags.set([wire_tag])
    by_code = SubjectMapping.objects.create(wire_source=wire, subject="MEDTOP:17000000", section=weather)
    by_name = SubjectMapping.objects.create(wire_source=wire, subject="maharashtra")
    by_name.tags.set([monsoon])
    SubjectMapping.objects.create(wire_source=wire, subject="medtop:99999999", section=SectionFactory())

    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    ingest_bytes(wire, sample("rss.xml"), name="rss.xml")

    monsoon_story = Article.objects.get(headline__startswith="Monsoon")
    assert monsoon_story.section == weather
    assert sorted(t.slug for t in monsoon_story.tags.all()) == ["monsoon", "wire"]
    sensex = Article.objects.get(headline__startswith="Sensex")
    assert sensex.section.slug == "news" and [t.slug for t in sensex.tags.all()] == ["wire"]
    assert monsoon_story.access == wire.default_access == "metered"
    assert by_code.pk


@pytest.mark.parametrize(("rule", "byline", "credit"), [
    ("writer_and_agency", "By Asha Rao", "By Asha Rao, AFP"),
    ("writer_and_agency", "Vikram Mehta, AFP", "By Vikram Mehta, AFP"),
    ("writer_and_agency", "", "AFP"),
    ("agency", "By Asha Rao", "AFP"),
    ("writer", "Von Christian Hollmann", "By Christian Hollmann"),
    ("writer", "afp", "AFP"),
])
def test_credit_rules(wire, rule, byline, credit):
    from masthead.wire.placement import credit_for

    wire.byline_rule = rule

    assert credit_for(wire, byline) == credit


def test_the_disclaimer_is_on_the_page_in_the_api_and_in_feeds_and_survives_updates(wire, client, publication):
    ingest_bytes(wire, sample("ninjs-1.x-v1.json"))
    with clock.travel(ORDINARY_DAY + dt.timedelta(hours=1), frozen=True):
        ingest_bytes(wire, sample("ninjs-1.x-v2.json"))
        article = Article.objects.get()

        page = read_page(client, article.get_absolute_url()).content.decode()
        api = json.loads(client.get(f"/api/articles/{article.pk}/").content)
        rss = client.get("/rss/").content.decode()
        atom = client.get("/atom/").content.decode()

    assert '<p class="article__disclaimer">' + DISCLAIMER + "</p>" in page
    assert api["disclaimer"] == DISCLAIMER
    assert DISCLAIMER in rss and DISCLAIMER in atom
    assert "By Asha Rao, AFP" in rss
    assert DISCLAIMER not in article.body  # a line of its source, never of the text: an update cannot drop it


def test_a_picture_joins_the_library_as_the_lead_picture_with_caption_credit_and_renditions(
        wire, client, tmp_path, django_capture_on_commit_callbacks):
    shutil.copytree(OWN_SAMPLES / "pictures", tmp_path / "pictures")
    shutil.copy(OWN_SAMPLES / "ninjs-1.x-v1.json", tmp_path / "story.json")

    with django_capture_on_commit_callbacks(execute=True):
        actions.ingest_paths(wire, [str(tmp_path / "story.json")])

    article = Article.objects.select_related("lead_picture").get()
    picture = article.lead_picture
    assert not article.lead_image
    assert picture.image.name.endswith(".png") and (picture.width, picture.height) == (640, 427)
    assert (picture.caption, picture.credit) == ("Commuters under umbrellas on Marine Drive.", "Photo: R. Iyer / AFP")
    assert picture.renditions_ready  # made after the commit, as for an editor's upload
    html = read_page(client, article.get_absolute_url()).content.decode()
    assert f"/media/renditions/{picture.pk}/wide-" in html and "Photo: R. Iyer / AFP" in html
    # Ingested again, the story keeps its one picture.
    actions.ingest_paths(wire, [str(tmp_path / "story.json")])
    assert Picture.objects.count() == 1


def test_a_picture_too_small_for_the_library_is_explained_and_the_text_ingests(wire, tmp_path):
    (tmp_path / "pictures").mkdir()
    Image.new("RGB", (120, 80), (90, 90, 90)).save(tmp_path / "pictures" / "marine-drive.png")
    shutil.copy(OWN_SAMPLES / "ninjs-1.x-v1.json", tmp_path / "story.json")

    tally = actions.ingest_paths(wire, [str(tmp_path / "story.json")])

    assert tally.new == 1 and Article.objects.get().lead_picture is None and not Picture.objects.exists()
    assert any("not used" in note and "120 pixels wide; at least 320" in note for note in tally.notes), tally.notes


def test_a_missing_or_broken_picture_never_blocks_the_text(wire, tmp_path):
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "port.png").write_bytes(b"not a picture at all")
    shutil.copy(OWN_SAMPLES / "ninjs-1.x-v1.json", tmp_path / "story.json")  # its picture is missing
    shutil.copy(OWN_SAMPLES / "newsml-xhtml-message.xml", tmp_path / "message.xml")  # its picture is broken

    tally = actions.ingest_paths(wire, [str(tmp_path)])

    assert tally.new == 2 and tally.quarantined == 1  # the item without a guid
    assert all(not a.lead_image and a.lead_picture is None for a in Article.objects.all())
    assert sum("not used" in note for note in tally.notes) == 2


def test_a_picture_outside_the_folder_is_never_read(wire, tmp_path):
    story = json.loads(sample("ninjs-1.x-v1.json"))
    story["associations"]["featureimage"]["renditions"]["original"]["href"] = "../../../../etc/hostname"
    (tmp_path / "story.json").write_text(json.dumps(story))

    tally = actions.ingest_paths(wire, [str(tmp_path / "story.json")])

    assert tally.new == 1 and Article.objects.get().lead_picture is None
    assert any("outside the folder" in note for note in tally.notes)


def test_body_html_is_cleaned_to_the_articles_allowed_tags(wire):
    ingest_bytes(wire, sample("ninjs-3.0-embargoed.json"))
    ingest_bytes(wire, sample("newsml-xhtml-message.xml"), name="message.xml")

    for article in Article.objects.all():
        body = article.body.lower()
        assert "<script" not in body and "onclick" not in body and "onmouseover" not in body
        assert "javascript:" not in body and "alert" not in body and "owned" not in body
    port = Article.objects.get(headline__startswith="Cargo")
    assert '<a href="https://example.org/new-berth" rel="noopener noreferrer">the new berth</a>' in port.body


def test_one_bad_item_is_quarantined_while_the_rest_of_its_feed_ingests(wire):
    tally = ingest_bytes(wire, sample("ninjs-batch-one-bad.json"), name="batch.json")

    row = Quarantined.objects.get()
    assert (tally.new, tally.quarantined) == (1, 1)
    assert (row.reference, row.reason) == ("urn:test:list-2", "the item has no headline")
    assert json.loads(row.document.read())["uri"] == "urn:test:list-2"


def test_a_newsml_remote_picture_beside_the_file_becomes_the_lead_image(wire, tmp_path):
    shutil.copytree(OWN_SAMPLES / "pictures", tmp_path / "pictures")
    shutil.copy(OWN_SAMPLES / "newsml-xhtml-message.xml", tmp_path / "message.xml")

    actions.ingest_paths(wire, [str(tmp_path / "message.xml")])

    port = Article.objects.get(headline__startswith="Cargo")
    assert port.lead_picture.image.name.endswith(".png") and port.lead_picture.alt == "Cargo at JNPA port hits a record"
    assert port.credit == "By Leena Dutta, AFP"
