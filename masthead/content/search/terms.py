"""What a reader typed, read the way web search boxes read it.

    election results          both words (stemmed: "elections" finds "election")
    "prime minister"          the words next to each other, in that order
    budget -railway           budget, but not stories that mention railway
    monsoon or drought        either word

PostgreSQL reads the raw text itself (``websearch_to_tsquery``, the same rules); SQLite's
FTS5 is given the MATCH expression built here, and the snippet highlighter uses the words.
Nothing the reader types can break the MATCH syntax: every word is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_WORDS = 12
# Letters and digits in any script; everything else separates words (FTS5's unicode61 rule).
WORD = re.compile(r"\w+", re.UNICODE)
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Terms:
    """One reader query: groups joined by OR, each a list of required words and phrases."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()  # OR of (AND of phrases); a word is a 1-word phrase
    excluded: tuple[tuple[str, ...], ...] = ()
    words: tuple[str, ...] = field(default=())  # every positive word, for highlighting

    @property
    def empty(self) -> bool:
        return not self.groups


def parse(text: str) -> Terms:
    """The query's words and phrases; at most MAX_WORDS words are kept."""
    groups: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    words: list[str] = []
    count = 0
    for match in TOKEN.finditer(text or ""):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            raw = bare[1:] if negated else bare
        else:
            raw = quoted
        phrase = tuple(w.lower() for w in WORD.findall(raw))
        if not phrase:
            continue
        if count + len(phrase) > MAX_WORDS:
            break
        count += len(phrase)
        if negated:
            excluded.append(phrase)
        else:
            groups[-1].append(phrase)
            words.extend(phrase)
    kept = tuple(tuple(g) for g in groups if g)
    return Terms(kept, tuple(excluded) if kept else (), tuple(dict.fromkeys(words)))


def _fts_phrase(phrase: tuple[str, ...]) -> str:
    # Words hold only \w characters, so a double quote can never appear inside one.
    return '"' + " ".join(phrase) + '"'


def fts5_match(terms: Terms) -> str:
    """The FTS5 MATCH expression for the query ("" when it asks for nothing)."""
    if terms.empty:
        return ""
    ors = [" AND ".join(_fts_phrase(p) for p in group) for group in terms.groups]
    expression = " OR ".join(f"({o})" for o in ors)
    if terms.excluded:
        expression = f"({expression}) NOT ({' OR '.join(_fts_phrase(p) for p in terms.excluded)})"
    return expression
