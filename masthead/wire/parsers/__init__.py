"""Parsers: what the bytes mean. Each format is a small module with one class (`sniff`,
`parse`); they are registered explicitly by `WireConfig.ready()` (`register_builtin`),
never as a side effect of import.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from masthead.wire.parsers.base import ParseError, Parser

BUILTIN = (
    "masthead.wire.parsers.ninjs.Ninjs",
    "masthead.wire.parsers.newsml.NewsMLG2",
    "masthead.wire.parsers.feed.Feed",
)
_parsers: dict[str, Parser] = {}


def register(parser: Parser) -> None:
    """Add a format (its `name` is what a source's format setting names)."""
    _parsers[parser.name] = parser


def register_builtin() -> None:
    for path in BUILTIN:
        register(import_string(path)())


def names() -> list[str]:
    return list(_parsers)


def detect(data: bytes) -> Parser:
    """The parser whose format the document's first bytes show; ParseError if none."""
    head = data[:4096]
    for parser in _parsers.values():
        if parser.sniff(head):
            return parser
    start = data[:40].decode("utf-8", "replace").strip()
    raise ParseError(f"not a known wire format (ninjs JSON, NewsML-G2/NITF XML, RSS or Atom); it begins {start!r}")


def parser_for(name: str) -> Parser:
    """The parser named by a source's format ('auto': detect per document)."""
    if name not in _parsers:
        raise ParseError(f"no parser for the format {name!r}")
    return _parsers[name]


__all__ = ["ParseError", "Parser", "detect", "names", "parser_for", "register", "register_builtin"]
