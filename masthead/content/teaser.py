"""Where an article's body splits into the teaser every reader sees and the gated rest.

The rule, applied to the body's top-level nodes in order:

- A *paragraph* is a top-level ``<p>`` or a run of top-level text and inline elements
  (``<em>``, ``<a>``, ``<br>``...), counted only when it holds text or media (``&nbsp;``
  is not text). Paragraphs nested in another element (a ``<div>``, a ``<blockquote>``, a list
  item) are not counted: they belong to that element.
- *Furniture* (headings, figures, images, ``<hr>``) may stand before or between the
  teaser's paragraphs without counting.
- Any other element (a list, a table, a quote, a wrapping ``<div>``, ``<pre>``, an embed,
  a script, an unknown or unclosed element) ends the teaser: it never enters it, nor does
  anything after it.
- The teaser ends right after its Nth paragraph, or after an earlier one when fewer
  paragraphs precede the first element that ends it, and only where the rest still holds
  gated content: a paragraph or an element with text or media in it (whitespace,
  comments, empty paragraphs, headings and figures do not count). So the teaser is never
  the whole body: when the Nth paragraph is the last one, the teaser stops one earlier.
- Comments never go out in a teaser (they are editors' notes, not the story).
- A body that cannot be split so (one paragraph, plain text, a list, a table, a quote,
  a wrapping element, an embed) has an empty teaser: the page shows the standfirst alone.

Pure: a string and a count in, two strings out; teaser + rest is the body less the
teaser's comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

PARAGRAPH, FURNITURE, BLOCK = "paragraph", "furniture", "block"

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}
# Phrasing elements that run on with loose text into one paragraph. Media and embeds are
# not among them: at the top level they are furniture (images) or end the teaser.
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
    "u", "var", "wbr",
}
_FURNITURE = {"h1", "h2", "h3", "h4", "h5", "h6", "figure", "img", "picture", "hr"}
# Elements that carry content without text of their own.
_MEDIA = {"img", "picture", "iframe", "embed", "object", "video", "audio", "svg", "canvas", "math"}


@dataclass
class _Node:
    kind: str
    start: int
    end: int = -1
    holds_content: bool = False


class _TopLevel(HTMLParser):
    """The body's top-level nodes with their [start, end) offsets, and its comments'."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(html) if ch == "\n"]
        self.nodes: list[_Node] = []
        self.comments: list[list[int]] = []
        self.stack: list[str] = []
        self.run: _Node | None = None  # the open run of loose text and inline elements
        self.pending: list = []  # nodes and comments that end where the next event starts

    # Every node ends where the next event begins: HTMLParser reports every character.
    def _at(self) -> int:
        line, col = self.getpos()
        offset = self.line_starts[line - 1] + col
        for item in self.pending:
            if isinstance(item, _Node):
                item.end = offset
            else:
                item[1] = offset
        self.pending = []
        return offset

    def _close_run(self, offset: int) -> None:
        if self.run is not None:
            self.run.end = offset
            self.run = None

    def _open(self, tag: str, offset: int, void: bool) -> None:
        if self.stack:
            if tag in _MEDIA:
                self.nodes[-1].holds_content = True
            if not void:
                self.stack.append(tag)
            return
        if tag in _INLINE:
            if self.run is None:
                self.run = _Node(PARAGRAPH, offset)
                self.nodes.append(self.run)
        else:
            self._close_run(offset)
            kind = PARAGRAPH if tag == "p" else FURNITURE if tag in _FURNITURE else BLOCK
            self.nodes.append(_Node(kind, offset, holds_content=tag in _MEDIA))
        if void:
            self.pending.append(self.nodes[-1])
        else:
            self.stack.append(tag)

    def handle_starttag(self, tag, attrs):
        self._open(tag, self._at(), tag in _VOID)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, self._at(), True)

    def handle_endtag(self, tag):
        self._at()
        if tag not in self.stack:
            return  # a stray end tag closes nothing
        while self.stack.pop() != tag:
            pass
        if not self.stack:
            self.pending.append(self.nodes[-1])

    def handle_data(self, data):
        offset = self._at()
        if not data.strip():
            return
        if self.stack:
            self.nodes[-1].holds_content = True
            return
        if self.run is None:
            self.run = _Node(PARAGRAPH, offset)
            self.nodes.append(self.run)
        self.run.holds_content = True

    def _aside(self) -> None:
        offset = self._at()
        if not self.stack:
            self._close_run(offset)
        comment = [offset, len(self.html)]
        self.comments.append(comment)
        self.pending.append(comment)

    def handle_comment(self, data):
        self._aside()

    def handle_decl(self, decl):
        self._aside()

    def handle_pi(self, data):
        self._aside()

    def unknown_decl(self, data):
        self._aside()

    def finish(self) -> None:
        self.close()
        end = len(self.html)
        for item in self.pending:
            if isinstance(item, _Node):
                item.end = end
            else:
                item[1] = end
        self._close_run(end)
        if self.stack:
            # An element left open runs to the end of the body and may hide anything.
            self.nodes[-1].kind, self.nodes[-1].end = BLOCK, end


def split_teaser(body_html: str, paragraphs: int) -> tuple[str, str]:
    """(teaser, rest) of an article body for a teaser of at most `paragraphs` paragraphs,
    by the rule in this module's docstring; ("", body) when the body cannot be split."""
    body = body_html or ""
    if paragraphs <= 0 or not body:
        return "", body
    parser = _TopLevel(body)
    parser.feed(body)
    parser.finish()
    nodes = parser.nodes
    cuts: list[int] = []
    for node in nodes:
        if node.kind == BLOCK:
            break
        if node.kind == PARAGRAPH and node.holds_content:
            cuts.append(node.end)
            if len(cuts) == paragraphs:
                break
    for cut in reversed(cuts):
        if any(n.start >= cut and n.kind != FURNITURE and n.holds_content for n in nodes):
            return _without(body[:cut], parser.comments), body[cut:]
    return "", body


def _without(text: str, spans: list[list[int]]) -> str:
    """`text` (a prefix of the body) less the [start, end) spans that begin inside it."""
    kept, at = [], 0
    for start, end in spans:
        if start >= len(text):
            break
        kept.append(text[at:start])
        at = min(end, len(text))
    kept.append(text[at:])
    return "".join(kept)
