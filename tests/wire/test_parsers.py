"""Each parser turns its format into the same neutral item (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.wire import parsers
from masthead.wire.items import Status
from masthead.wire.parsers.base import ParseError
from tests.wire.conftest import OWN_SAMPLES, SHARED_SAMPLES, shared_samples

UTC = dt.timezone.utc


def parse(path):
    data = path.read_bytes()
    return parsers.detect(data).parse(data)


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason=f"the shared wire samples are not at {SHARED_SAMPLES}")
@pytest.mark.parametrize("path", shared_samples(), ids=lambda p: p.name)
def test_every_shared_sample_gives_one_item_with_a_guid_and_headline(path):
    parsed = parse(path)

    assert len(parsed.items) == 1, (parsed.skipped, parsed.unreadable)
    item = parsed.items[0]
    assert item.guid and item.headline
    assert parsed.unreadable == []


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason=f"the shared wire samples are not at {SHARED_SAMPLES}")
def test_ninjs_field_names_of_every_version_are_read():
    v14 = parse(SHARED_SAMPLES / "ninjs" / "1.4_ninjsExMediumText1.json").items[0]
    v21 = parse(SHARED_SAMPLES / "ninjs" / "2.1_dpa_text.json").items[0]
    v30 = parse(SHARED_SAMPLES / "ninjs" / "3.0_ninjsExSimpleText_3.json").items[0]

    assert (v14.format, v21.format, v30.format) == ("ninjs 1.x", "ninjs 2.x", "ninjs 3.0")
    assert v14.version_created == v30.version_created == dt.datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    assert v21.version_created == dt.datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)
    assert (v14.byline, v21.byline, v30.byline) == (
        "Paulo Santalucia and Frances d'Emilio", "Von Christian Hollmann, dpa", "Paulo Santalucia and Frances d'Emilio")
    assert v21.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert (v21.version, v21.urgency, v21.language, v21.status) == (2, 4, "de", Status.USABLE)
    assert v14.dateline == "Grossetto, Italy"
    assert v14.body_html.count("<p>") == 4
    assert v30.body_html.startswith("<body><p>GROSSETO, Italy (AP)")


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason=f"the shared wire samples are not at {SHARED_SAMPLES}")
def test_newsml_g2_items_with_nitf_bodies():
    listing2 = parse(SHARED_SAMPLES / "newsml-g2" / "LISTING_2_NewsML-G2_Text_Document.xml").items[0]
    listing1 = parse(SHARED_SAMPLES / "newsml-g2" / "LISTING_1_A_NewsML-G2_News_Item.xml").items[0]
    bare = parse(SHARED_SAMPLES / "newsml-g2" / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml")

    assert listing2.guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert (listing2.version, listing2.headline, listing2.byline) == (11, 'Fed to halt QE to avert "bubble"', "Meredith Jameson")
    assert listing2.version_created == dt.datetime(2018, 11, 21, 21, 25, 32, tzinfo=UTC)
    assert listing2.body_html.count("<p>") == 2 and listing2.dateline == "New York, NY"
    assert [s.code for s in listing2.subjects] == ["medtop:04000000", "medtop:20000350", "medtop:20000379"]
    assert listing1.embargo_until == dt.datetime(2018, 10, 23, 12, 0, tzinfo=UTC)
    assert listing1.body_html == ""  # its inlineXML holds only comments
    assert listing1.subjects[1].name == "labour market"  # the English name of two
    assert bare.format == "nitf" and bare.items[0].byline == "Sports Network"
    assert bare.items[0].standfirst.startswith("A pair of teams coming off big weekend sweeps")


def test_a_message_skips_packages_and_pictures_and_keeps_a_bad_item_apart():
    parsed = parse(OWN_SAMPLES / "newsml-xhtml-message.xml")

    assert [i.guid for i in parsed.items] == ["urn:test:masthead-wire:port-1"]
    assert [s.reason.split(" (")[0] for s in parsed.skipped] == ["a package item", "a picture item on its own carries no story text"]
    assert [u.reason for u in parsed.unreadable] == ["the news item has no guid"]
    item = parsed.items[0]
    assert (item.urgency, item.byline, item.dateline) == (2, "Leena Dutta", "NAVI MUMBAI, June 15")
    assert item.standfirst == "Container traffic rose 12% in May."
    assert item.pictures[0].href == "pictures/port.png"
    assert "<em>12%</em>" in item.body_html


def test_rss_and_atom_entries():
    rss = parse(OWN_SAMPLES / "rss.xml")
    atom = parse(OWN_SAMPLES / "atom.xml")

    assert [i.guid for i in rss.items] == ["urn:test:rss:sensex-1", "urn:test:rss:rupee-1"]
    assert rss.items[0].version_created == dt.datetime(2026, 6, 15, 5, 30, tzinfo=UTC)
    assert rss.items[0].subjects[0].code == "markets"
    assert rss.items[1].body_html == "<p>The rupee was unchanged at 83.2.</p>"
    assert atom.items[0].byline == "Rahul Sen" and atom.items[0].format == "atom"
    assert atom.items[0].body_html == "<p>The session will run for four weeks.</p>"


def test_ninjs_status_embargo_and_pictures():
    kill = parse(OWN_SAMPLES / "ninjs-1.x-kill.json").items[0]
    embargoed = parse(OWN_SAMPLES / "ninjs-3.0-embargoed.json").items[0]
    with_picture = parse(OWN_SAMPLES / "ninjs-1.x-v1.json").items[0]

    assert kill.status is Status.CANCELED and kill.version == 3
    assert embargoed.embargo_until == dt.datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    assert with_picture.pictures[0].href == "pictures/marine-drive.png"
    assert with_picture.pictures[0].caption == "Commuters under umbrellas on Marine Drive."
    assert with_picture.pictures[0].credit == "Photo: R. Iyer / AFP"


@pytest.mark.parametrize(("name", "reason"), [
    ("truncated.json", "truncated or invalid JSON"),
    ("latin1.json", "not UTF-8 text (byte 0xe9"),
    ("billion-laughs.xml", "refused: the XML declares a DTD"),
    ("external-entity.xml", "refused: the XML declares a DTD"),
    ("rss-external-entity.xml", "refused: the XML declares a DTD"),
    ("nitf-wrong-encoding.xml", "not well-formed XML"),
    ("not-a-wire-format.txt", "not a known wire format"),
])
def test_hostile_and_broken_documents_are_refused_with_a_reason(name, reason):
    with pytest.raises(ParseError) as refused:
        parse(OWN_SAMPLES / name)

    assert reason in str(refused.value)
