"""The demo's wire source: a fictional agency whose few stories arrive as ninjs through the
same ingest as real copy, carry the source's disclaimer, and show an update in place."""

from __future__ import annotations

import json

from masthead.content.models import Section, Source
from masthead.wire import actions
from masthead.wire.ingest import Tally, ingest_documents
from masthead.wire.models import SubjectMapping, WireSource
from masthead.wire.transports.base import Document

SLUG = "bay-of-bengal-wire"
NAME = "Bay of Bengal Wire"


def _story(uri: str, version: int, headline: str, byline: str, paragraphs: list[str], subject: str,
           picture: str = "") -> dict:
    item = {
        "uri": f"urn:demo:bay-of-bengal-wire:{uri}", "type": "text", "version": str(version), "pubstatus": "usable",
        "headline": headline, "byline": byline, "language": "en",
        "description_text": paragraphs[0].split(" - ", 1)[-1],
        "body_xhtml": "".join(f"<p>{p}</p>" for p in paragraphs),
        "subject": [{"name": subject, "code": f"bbw:{subject.lower()}"}],
        "copyrightnotice": "Copyright Bay of Bengal Wire (fictional)",
    }
    if picture:
        item["associations"] = {"featureimage": {
            "type": "picture", "headline": picture, "description_text": picture, "byline": "BBW Photo",
            "renditions": {"original": {"href": f"demo-picture:{uri}", "mimetype": "image/jpeg"}},
        }}
    return item


STORIES = [
    _story("ferry-1", 1, "Ferry services resume across the Hooghly after a two-day halt", "By Mitali Bose", [
        "KOLKATA (BBW) - Ferry services across the Hooghly resumed on the third morning after the river "
        "authority lifted a two-day halt ordered for high tides.",
        "Operators said the first crossings ran at half capacity while pontoons were checked.",
        "Commuters who had taken the longer road bridges welcomed the return of the ten-minute crossing.",
    ], "Transport", picture="Ferries at a ghat on the Hooghly at dawn"),
    _story("ferry-1", 2, "Ferry services resume across the Hooghly; full timetable from Friday", "By Mitali Bose", [
        "KOLKATA (BBW) - Ferry services across the Hooghly resumed on the third morning after the river "
        "authority lifted a two-day halt ordered for high tides.",
        "Operators said the first crossings ran at half capacity while pontoons were checked, and that the "
        "full timetable returns on Friday.",
        "Commuters who had taken the longer road bridges welcomed the return of the ten-minute crossing.",
    ], "Transport"),
    _story("tea-1", 1, "Tea auction prices firm as the second flush arrives", "", [
        "GUWAHATI (BBW) - Prices at the weekly tea auction firmed as the first lots of the second flush "
        "reached the floor.",
        "Brokers said buyers from packaging houses were active in the better grades.",
    ], "Commodities"),
    _story("port-1", 1, "Paradip port handles record cargo in the quarter", "By Anil Mohanty", [
        "BHUBANESWAR (BBW) - Paradip port handled more cargo in the quarter than in any before it, led by "
        "coal and iron ore.",
        "Port officials credited a new mechanised berth and quicker rail links to the hinterland.",
    ], "Business"),
]


def _picture(href: str) -> bytes:
    from masthead.content.demo_images import draw

    return draw(7)


def seed_wire(progress=print) -> Tally:
    """The demo wire source and its stories; run again, it adds nothing."""
    wire_source = WireSource.objects.select_related("source").filter(source__slug=SLUG).first()
    if wire_source is None:
        section = Section.objects.filter(slug="news").first()
        wire_source = actions.create_source(NAME, section=section, auto_publish=True, credit="BBW",
                                            transport=WireSource.Transport.UPLOAD)
        Source.objects.filter(pk=wire_source.source_id).update(slug=SLUG)
        wire_source.source.refresh_from_db()
        business = Section.objects.filter(slug="business").first()
        markets = Section.objects.filter(slug="markets").first()
        for subject, section in (("Business", business), ("Commodities", markets)):
            if section is not None:
                SubjectMapping.objects.create(wire_source=wire_source, subject=subject, section=section)
    documents = [Document(name=f"demo/{item['uri'].rsplit(':', 1)[-1]}-v{item['version']}.json",
                          data=json.dumps(item).encode(), fetch=_picture) for item in STORIES]
    tally = ingest_documents(wire_source, documents)
    progress(f"Wire: {NAME}, {tally.as_line()}")
    return tally
