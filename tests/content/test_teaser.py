"""The teaser split as a table: body and paragraph count in, (teaser, rest) out."""

from __future__ import annotations

import re

import pytest

from masthead.content.teaser import split_teaser

P1, P2, P3 = "<p>One.</p>", "<p>Two.</p>", "<p>Three.</p>"
LIST = "<ul><li>Gated item.</li><li>Another.</li></ul>"
TABLE = "<table><tbody><tr><td>Gated cell.</td></tr></tbody></table>"
QUOTE = "<blockquote><p>Gated quote.</p><p>More.</p></blockquote>"
FIGURE = '<figure><img src="/x.jpg" alt=""><figcaption>c</figcaption></figure>'


@pytest.mark.parametrize("body, n, teaser, rest", [
    # Enough paragraphs: the top-level blocks up to the Nth paragraph.
    (P1 + P2 + P3, 1, P1, P2 + P3),
    (P1 + P2 + P3, 2, P1 + P2, P3),
    ("<h2>Head</h2><p>One <em>big</em> idea.</p><p>Two.</p>", 1, "<h2>Head</h2><p>One <em>big</em> idea.</p>", P2),
    (FIGURE + "\n" + P1 + "\n" + P2, 1, FIGURE + "\n" + P1, "\n" + P2),
    (P1 + "<h3>Sub</h3>" + P2 + P3, 2, P1 + "<h3>Sub</h3>" + P2, P3),
    # The Nth paragraph is the last one with text: the teaser stops a paragraph earlier.
    (P1 + P2 + P3, 3, P1 + P2, P3),
    (P1 + P2, 5, P1, P2),
    (P1 + P2 + "\n  \n", 2, P1, P2 + "\n  \n"),
    (P1 + P2 + "<p>&nbsp;</p><p> </p>", 2, P1, P2 + "<p>&nbsp;</p><p> </p>"),
    (P1 + P2 + "<!-- note -->", 2, P1, P2 + "<!-- note -->"),
    (P1 + P2 + "<h2>The end</h2>" + FIGURE, 2, P1, P2 + "<h2>The end</h2>" + FIGURE),
    # A body that cannot be split: no teaser at all (the standfirst stands alone).
    (P1, 1, "", P1),
    (P1, 3, "", P1),
    ("Plain text with no markup at all.", 1, "", "Plain text with no markup at all."),
    ("Para one.\n\nPara two, still one run of loose text.", 1, "", "Para one.\n\nPara two, still one run of loose text."),
    (LIST, 1, "", LIST),
    (TABLE, 1, "", TABLE),
    (QUOTE, 1, "", QUOTE),
    ("<div><p>Nested one.</p><p>Nested two.</p></div>", 1, "", "<div><p>Nested one.</p><p>Nested two.</p></div>"),
    ("<div><div><p>Deep.</p></div><p>Deeper.</p></div>", 2, "", "<div><div><p>Deep.</p></div><p>Deeper.</p></div>"),
    ('<iframe src="https://video.example/1" title="Gated embed"></iframe>', 1, "",
     '<iframe src="https://video.example/1" title="Gated embed"></iframe>'),
    ("<h2>Head</h2>" + P1, 1, "", "<h2>Head</h2>" + P1),
    (P1 + FIGURE, 1, "", P1 + FIGURE),
    # An element that is not a paragraph or furniture ends the teaser before it.
    (LIST + P1 + P2, 1, "", LIST + P1 + P2),
    (QUOTE + P1 + P2, 1, "", QUOTE + P1 + P2),
    (P1 + LIST, 1, P1, LIST),
    (P1 + LIST, 2, P1, LIST),
    (P1 + LIST + P2 + P3, 2, P1, LIST + P2 + P3),
    (P1 + TABLE, 2, P1, TABLE),
    (P1 + QUOTE, 2, P1, QUOTE),
    (P1 + '<iframe src="https://video.example/1"></iframe>', 2, P1, '<iframe src="https://video.example/1"></iframe>'),
    (P1 + "<pre>gated code</pre>", 3, P1, "<pre>gated code</pre>"),
    (P1 + "<script>gated()</script>" + P2, 2, P1, "<script>gated()</script>" + P2),
    (P1 + "<ul><li>an empty-looking list</li></ul>", 1, P1, "<ul><li>an empty-looking list</li></ul>"),
    # Loose text and inline elements run together into one paragraph.
    ("Loose text<br>more<p>Two.</p>", 1, "Loose text<br>more", P2),
    ("AT&amp;T <em>rose</em> today.<p>Two.</p>", 1, "AT&amp;T <em>rose</em> today.", P2),
    ("AT&amp;T rose today.", 1, "", "AT&amp;T rose today."),
    # Empty paragraphs do not count.
    ("<p></p><p>&nbsp;</p>" + P1 + P2, 1, "<p></p><p>&nbsp;</p>" + P1, P2),
    # Comments never go out in a teaser, at any depth.
    (P1 + "<!-- gated note -->" + P2 + P3, 2, P1 + P2, P3),
    ("<p>One <!-- gated note -->line.</p>" + P2, 1, "<p>One line.</p>", P2),
    # Unclosed or broken markup may hide anything: it ends the teaser.
    ("<p>One<p>Two.</p>", 1, "", "<p>One<p>Two.</p>"),
    (P1 + "<p>Two, never closed", 1, P1, "<p>Two, never closed"),
    (P1 + P2 + "<p>Three, never closed", 2, P1 + P2, "<p>Three, never closed"),
    ("</div>" + P1 + P2, 1, "</div>" + P1, P2),
    ("<P>Upper.</P>" + P2, 1, "<P>Upper.</P>", P2),
    ("<p>One.</p>\r\n<p>Two.</p>\n<p>Three.</p>", 2, "<p>One.</p>\r\n<p>Two.</p>", "\n<p>Three.</p>"),
    # No paragraph count, no body.
    (P1 + P2, 0, "", P1 + P2),
    ("", 1, "", ""),
    (None, 1, "", ""),
])
def test_the_teaser_is_at_most_n_paragraphs_and_never_the_whole_body(body, n, teaser, rest):
    assert split_teaser(body, n) == (teaser, rest)


@pytest.mark.parametrize("body", [
    P1, P1 + P2, P1 + P2 + P3, LIST, TABLE, QUOTE, P1 + LIST, "plain", FIGURE + P1, P1 + "\n",
    "<div>" + P1 + P2 + "</div>", P1 + "<!-- c -->", "<em>x</em> y", "<p>a</p><p>b<p>c",
])
def test_whatever_the_count_the_rest_keeps_gated_text(body):
    for n in range(6):
        teaser, rest = split_teaser(body, n)

        assert teaser + rest == body
        assert re.sub(r"<[^>]*>", "", rest).strip(), (n, teaser, rest)
