"""Plain text from article HTML and the publication's language, for both engines and snippets."""

from __future__ import annotations

import html
import re

from masthead.content.publication import current_publication

TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")

# The publication's locale (en-IN) -> PostgreSQL's text search configuration and the
# Snowball stemmer the snippets use. A language PostgreSQL has no stemmer for is indexed
# word for word ("simple"); SQLite's FTS5 stems with Porter (English) whatever the language.
LANGUAGES = {
    "en": "english", "fr": "french", "de": "german", "es": "spanish", "pt": "portuguese",
    "it": "italian", "nl": "dutch", "ru": "russian", "sv": "swedish", "da": "danish",
    "fi": "finnish", "hu": "hungarian", "no": "norwegian", "nb": "norwegian", "ro": "romanian",
    "tr": "turkish", "ta": "tamil", "ne": "nepali", "id": "indonesian", "ar": "arabic",
    "el": "greek", "lt": "lithuanian", "ga": "irish", "ca": "catalan", "eu": "basque",
}


def plain(html_text: str) -> str:
    """The words of an HTML fragment: tags become spaces (so list items stay apart),
    entities are decoded."""
    if not html_text:
        return ""
    return SPACE.sub(" ", html.unescape(TAG.sub(" ", html_text))).strip()


def language(locale: str) -> str:
    """The text search configuration for a locale such as en-IN ("simple" if unknown)."""
    return LANGUAGES.get((locale or "en").split("-")[0].split("_")[0].lower(), "simple")


def publication_language() -> str:
    return language(current_publication().locale)
