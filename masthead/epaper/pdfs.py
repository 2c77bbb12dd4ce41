"""Newspaper pages as PDFs with real text (reportlab): the demo's editions, the benchmark's
and the tests'. A front page carries the masthead, the date, a lead story and more; inner
pages carry a running head and stories in columns. Text is real PDF text, so extraction and
search work on these exactly as on a printer's PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Frame, Paragraph
from reportlab.pdfgen.canvas import Canvas

PAGE = (612.0, 936.0)  # points: a tabloid-like page, 8.5 x 13 inches
MARGIN = 36.0
GUTTER = 12.0
GREY = Color(0.82, 0.8, 0.76)

HEADLINE = ParagraphStyle("headline", fontName="Times-Bold", fontSize=20, leading=23, spaceAfter=6)
LEAD = ParagraphStyle("lead", parent=HEADLINE, fontSize=30, leading=33)
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=12, spaceAfter=5)


@dataclass
class Story:
    headline: str
    paragraphs: list[str] = field(default_factory=list)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _flow(canvas: Canvas, stories: list[Story], x: float, y: float, width: float, height: float,
          columns: int, headline=HEADLINE) -> None:
    """Stories flowed through `columns` columns of the box (what does not fit is left out)."""
    story = []
    for item in stories:
        story.append(Paragraph(_escape(item.headline), headline))
        story.extend(Paragraph(_escape(p), BODY) for p in item.paragraphs)
    column = (width - GUTTER * (columns - 1)) / columns
    for n in range(columns):
        frame = Frame(x + n * (column + GUTTER), y, column, height, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, showBoundary=0)
        frame.addFromList(story, canvas)
        if not story:
            break


def _picture(canvas: Canvas, x: float, y: float, width: float, height: float, caption: str) -> None:
    canvas.setFillColor(GREY)
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    canvas.setFillColorRGB(0.25, 0.25, 0.25)
    canvas.setFont("Helvetica-Oblique", 8)
    canvas.drawString(x, y - 10, caption[:110])
    canvas.setFillColorRGB(0, 0, 0)


def edition_pdf(*, publication: str, date_line: str, edition: str, pages: list[list[Story]],
                password: str | None = None) -> bytes:
    """A PDF of len(pages) pages: pages[0] is the front page (its first story the lead).

    With `password`, the PDF is encrypted and opens only with it (a printer's locked file).
    """
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1, encrypt=password)
    canvas.setTitle(f"{publication}, {edition} edition, {date_line}")
    canvas.setAuthor(publication)
    width, height = PAGE
    inner = width - 2 * MARGIN
    for number, stories in enumerate(pages, 1):
        if number == 1:
            canvas.setFont("Times-Bold", 44)
            canvas.drawCentredString(width / 2, height - MARGIN - 40, publication)
            canvas.setLineWidth(1.5)
            canvas.line(MARGIN, height - MARGIN - 54, width - MARGIN, height - MARGIN - 54)
            canvas.setFont("Helvetica", 9)
            canvas.drawString(MARGIN, height - MARGIN - 66, date_line)
            canvas.drawRightString(width - MARGIN, height - MARGIN - 66, f"{edition} edition")
            canvas.line(MARGIN, height - MARGIN - 72, width - MARGIN, height - MARGIN - 72)
            top = height - MARGIN - 84
            lead, rest = (stories[:1], stories[1:]) if stories else ([], [])
            _flow(canvas, lead, MARGIN, top - 330, inner * 0.62, 330, 2, headline=LEAD)
            _picture(canvas, MARGIN + inner * 0.62 + GUTTER, top - 220, inner * 0.38 - GUTTER, 220,
                     lead[0].headline if lead else publication)
            canvas.line(MARGIN, top - 342, width - MARGIN, top - 342)
            _flow(canvas, rest, MARGIN, MARGIN, inner, top - 354 - MARGIN, 3)
        else:
            canvas.setFont("Helvetica", 8.5)
            canvas.drawString(MARGIN, height - MARGIN, f"{publication} · {date_line}")
            canvas.drawRightString(width - MARGIN, height - MARGIN, f"Page {number}")
            canvas.line(MARGIN, height - MARGIN - 6, width - MARGIN, height - MARGIN - 6)
            top = height - MARGIN - 18
            if number % 2 == 0:
                _picture(canvas, MARGIN, top - 200, inner * 0.5, 200, stories[0].headline if stories else "")
                _flow(canvas, stories[:1], MARGIN + inner * 0.5 + GUTTER, top - 200, inner * 0.5 - GUTTER, 200, 1)
                _flow(canvas, stories[1:], MARGIN, MARGIN, inner, top - 216 - MARGIN, 3)
            else:
                _flow(canvas, stories, MARGIN, MARGIN, inner, top - MARGIN, 4)
        canvas.showPage()
    canvas.save()
    return out.getvalue()

