"""The downloadable PDF: the edition's original, stamped on every page with the subscriber.

The stamp is real PDF text (PDFium's standard Helvetica) in the bottom margin of every page,
so a copy passed on names whose copy it was. Done with pypdfium2's page objects: the original's
pages are untouched otherwise.
"""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from masthead.content.publication import current_publication
from masthead.core import dates
from masthead.epaper.processing import pdfium_lock

FONT_SIZE = 7.0
MARGIN = 10.0  # points from the page's bottom and left edges


def stamp_line(user, edition) -> str:
    """"Licensed to a.reader@example.in · The Daily Masthead · Main edition, 2 December 2026"."""
    return (f"Licensed to {user.email or user.get_username()} · {current_publication().name} · "
            f"{edition.name} edition, {dates.long_date(edition.date)} · not for redistribution")


def _text_object(document, font, text: str, x: float, y: float):
    obj = pdfium_c.FPDFPageObj_CreateTextObj(document.raw, font, ctypes.c_float(FONT_SIZE))
    encoded = (text + "\x00").encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded, len(encoded))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_SetFillColor(obj, 90, 90, 90, 255)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    return obj


def stamped_pdf(original: bytes, line: str) -> bytes:
    """A copy of `original` with `line` written at the foot of every page."""
    with pdfium_lock:
        document = pdfium.PdfDocument(original)
        try:
            font = pdfium_c.FPDFText_LoadStandardFont(document.raw, b"Helvetica")
            for index in range(len(document)):
                page = document[index]
                try:
                    left, bottom, _, _ = page.get_cropbox()
                    obj = _text_object(document, font, line, left + MARGIN, bottom + MARGIN * 0.6)
                    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
                    page.gen_content()
                finally:
                    page.close()
            out = io.BytesIO()
            document.save(out)
            pdfium_c.FPDFFont_Close(font)
            return out.getvalue()
        finally:
            document.close()
