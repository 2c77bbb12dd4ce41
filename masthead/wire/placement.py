"""Where a wire story goes and how it is credited: the source's rules applied to an item."""

from __future__ import annotations

import re

from masthead.wire.items import WireItem

# "By", as agencies write it in the languages Masthead's publishers run copy in.
BY_PREFIX = re.compile(r"^\s*(by|von|par|por|di|door|av)\s+", re.I)


def _keys(subject) -> set[str]:
    keys = {subject.name.strip().lower(), subject.code.strip().lower()}
    if ":" in subject.code:
        keys.add(subject.code.split(":", 1)[1].strip().lower())
    return keys - {""}


class Rules:
    """A source's placement rules, read once per run (not once per item)."""

    def __init__(self, wire_source):
        self.default_section = wire_source.default_section
        self.default_tags = list(wire_source.default_tags.all())
        self.mappings = [(m.subject.strip().lower(), m.section, list(m.tags.all()))
                         for m in wire_source.mappings.select_related("section").prefetch_related("tags")]


def placement(wire_source, item: WireItem, rules: Rules | None = None):
    """(section, tags): the first mapping with a section that matches one of the item's
    subjects sets the section (else the source's default); tags are the source's default
    tags plus those of every matching mapping."""
    rules = rules or Rules(wire_source)
    keys = set()
    for subject in item.subjects:
        keys |= _keys(subject)
    section = None
    tags = {tag.pk: tag for tag in rules.default_tags}
    for subject, mapped_section, mapped_tags in rules.mappings:
        if subject not in keys:
            continue
        if section is None and mapped_section is not None:
            section = mapped_section
        for tag in mapped_tags:
            tags[tag.pk] = tag
    return section or rules.default_section, list(tags.values())


def writer_of(byline: str) -> str:
    """The agency's byline without its 'By' ('Von Christian Hollmann, dpa' -> 'Christian Hollmann, dpa')."""
    return BY_PREFIX.sub("", byline or "").strip()


def credit_for(wire_source, byline: str) -> str:
    """The byline as printed under the source's rule: 'By X, AFP', 'AFP' or 'By X'."""
    agency = wire_source.agency
    writer = writer_of(byline)
    rule = wire_source.byline_rule
    if rule == "agency" or not writer:
        return agency
    if writer.lower() == agency.lower():
        return agency
    if rule == "writer":
        return f"By {writer}"
    names_agency = re.search(rf"(^|[\s,/]){re.escape(agency)}\s*$", writer, re.I)
    return f"By {writer}" if names_agency else f"By {writer}, {agency}"
