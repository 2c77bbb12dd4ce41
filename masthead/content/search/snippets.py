"""Highlighted snippets: the best few lines of a text for a query, words marked.

The caller decides which text a reader may see (access: the whole body when the reader
may read the story, else the standfirst and the free teaser); this module is only ever
given that text, so a snippet cannot hold anything else. Words are matched by stem in the
publication's language (Snowball, as PostgreSQL's configurations stem), so "elections"
marks "election".
"""

from __future__ import annotations

import functools
import re

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+", re.UNICODE)
WINDOW = 32  # words in a snippet
STEMMERS = set(snowballstemmer.algorithms())


@functools.lru_cache(maxsize=32)
def _stemmer(language: str):
    return snowballstemmer.stemmer(language) if language in STEMMERS else None


@functools.lru_cache(maxsize=65536)
def _stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def stems(words, language: str) -> set[str]:
    """The stems of the query's words (the words themselves without a stemmer)."""
    lowered = [w.lower() for w in words]
    return {_stem(w, language) for w in lowered} | set(lowered)


def _keys(tokens: list[str], wanted: set[str], language: str) -> list[str | None]:
    """Per token, the query stem it matches, or None. Only tokens that begin as a wanted
    stem begins are stemmed (a stem keeps its word's first letters), each word once per
    process: a snippet costs microseconds a word, not a stemmer run."""
    prefixes = tuple({w[:3] for w in wanted})
    keys: list[str | None] = []
    for token in tokens:
        if not token.startswith(prefixes):
            keys.append(None)
        elif token in wanted:
            keys.append(token)
        else:
            stem = _stem(token, language)
            keys.append(stem if stem in wanted else None)
    return keys


def _marked(text: str, spans: list[tuple[int, int]], hits: set[int], first: int, last: int) -> str:
    out, at = [], spans[first][0]
    for index in range(first, last + 1):
        start, end = spans[index]
        out.append(escape(text[at:start]))
        word = escape(text[start:end])
        out.append(f"<mark>{word}</mark>" if index in hits else word)
        at = end
    return "".join(out)


def highlight(text: str, words, language: str) -> SafeString:
    """All of `text`, escaped, with the query's words marked (for headlines)."""
    spans = [m.span() for m in WORD.finditer(text or "")]
    if not spans:
        return mark_safe(escape(text or ""))
    tokens = [text[s:e].lower() for s, e in spans]
    hits = {i for i, key in enumerate(_keys(tokens, stems(words, language), language)) if key is not None}
    return mark_safe(escape(text[: spans[0][0]]) + _marked(text, spans, hits, 0, len(spans) - 1)
                     + escape(text[spans[-1][1]:]))


def snippet(text: str, words, language: str, window: int = WINDOW) -> SafeString:
    """The `window` words of `text` that hold the most distinct query words, marked, with
    an ellipsis where the text was cut; the opening words when nothing matches."""
    spans = [m.span() for m in WORD.finditer(text or "")]
    if not spans:
        return mark_safe("")
    tokens = [text[s:e].lower() for s, e in spans]
    keys = _keys(tokens, stems(words, language), language)
    hits = {i for i, k in enumerate(keys) if k is not None}
    best, best_score = 0, -1
    for start in sorted({max(0, i - window // 4) for i in hits} or {0}):
        found = {keys[i] for i in range(start, min(start + window, len(spans))) if keys[i] is not None}
        score = len(found) * 1000 + sum(1 for i in range(start, min(start + window, len(spans))) if i in hits)
        if score > best_score:
            best, best_score = start, score
    last = min(best + window, len(spans)) - 1
    body = _marked(text, spans, hits, best, last)
    lead = "… " if best > 0 else ""
    tail = " …" if last < len(spans) - 1 else escape(text[spans[last][1]:]).rstrip()
    return mark_safe(lead + body + tail)
