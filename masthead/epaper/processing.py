"""Turning an edition's PDF into pages: images at three sizes and the text, with pypdfium2.

Pure work on bytes, no rows: `check()` says why a PDF cannot be an edition (not a PDF,
damaged, encrypted, too large, no pages, too many), `render_pages()` yields each page's
images and text. epaper.actions.process_edition stores them and records the outcome.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.conf import settings
from PIL import Image

# Widths in pixels; heights follow the page. The viewer shows "screen", the strip "thumb",
# zoom the largest. The two a phone loads most are WebP (about half the bytes of JPEG at the
# same look); zoom is JPEG, which encodes some twenty times faster at that size.
SIZES = {"thumb": 240, "screen": 1100, "zoom": 2000}
FORMATS = {"thumb": ("WEBP", "webp", {"quality": 70, "method": 0}),
           "screen": ("WEBP", "webp", {"quality": 80, "method": 0}),
           "zoom": ("JPEG", "jpg", {"quality": 82})}
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


# PDFium is not thread-safe: every call into it in this process holds this lock (the worker
# runs tasks in threads, and the PDF download stamps in request threads).
pdfium_lock = threading.RLock()


class Unusable(Exception):
    """The PDF cannot become an edition; the message says why, for the editor."""


@dataclass
class RenderedPage:
    number: int
    width: float      # PDF points
    height: float
    images: dict[str, bytes]
    text: str


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int) -> None:
    """Refuse a file over MASTHEAD_EPAPER_MAX_MB before anything reads it."""
    limit = settings.MASTHEAD_EPAPER_MAX_MB * 1_000_000
    if size > limit:
        raise Unusable(f"The PDF is {_megabytes(size)}, over the limit of {settings.MASTHEAD_EPAPER_MAX_MB} MB "
                       "(MASTHEAD_EPAPER_MAX_MB). Export it at a lower image resolution and upload it again.")
    if size == 0:
        raise Unusable("The file is empty.")


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or Unusable with the reason an editor can act on."""
    check_size(len(data))
    if b"%PDF-" not in data[:1024]:
        raise Unusable("This file is not a PDF (it does not start as one). Upload the edition's PDF.")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise Unusable("The PDF is encrypted (it needs a password to open). Save it without a password "
                           "or restrictions and upload it again.") from None
        raise Unusable(f"The PDF is damaged and cannot be read ({error}). Export it again and upload it.") from None
    pages = len(document)
    if pages == 0:
        document.close()
        raise Unusable("The PDF has no pages.")
    if pages > settings.MASTHEAD_EPAPER_MAX_PAGES:
        document.close()
        raise Unusable(f"The PDF has {pages} pages, over the limit of {settings.MASTHEAD_EPAPER_MAX_PAGES} "
                       "(MASTHEAD_EPAPER_MAX_PAGES).")
    return document


def page_count(data: bytes) -> int:
    with pdfium_lock:
        document = open_pdf(data)
        try:
            return len(document)
        finally:
            document.close()


def extension(size: str) -> str:
    return FORMATS[size][1]


def content_type(name: str) -> str:
    """The type of a stored image by its name's extension."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def _encode(image: Image.Image, size: str) -> bytes:
    out = io.BytesIO()
    kind, _, options = FORMATS[size]
    image.save(out, kind, **options)
    return out.getvalue()


def render_page(document: pdfium.PdfDocument, index: int) -> RenderedPage:
    """One page (0-based index): rendered by PDFium at each size (sharper text, and faster,
    than scaling one large rendering down), then encoded."""
    with pdfium_lock:
        rendered, width, height, text = _rasterise(document, index)
    images = {size: _encode(image, size) for size, image in rendered.items()}
    return RenderedPage(index + 1, float(width), float(height), images, " ".join(text.split()))


def _rasterise(document: pdfium.PdfDocument, index: int):
    page = document[index]
    try:
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise Unusable(f"Page {index + 1} has no size.")
        rendered = {}
        for size, pixels in SIZES.items():
            bitmap = page.render(scale=pixels / width)
            try:
                rendered[size] = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory is freed
            finally:
                bitmap.close()
        text_page = page.get_textpage()
        try:
            text = text_page.get_text_range()
        finally:
            text_page.close()
    except pdfium.PdfiumError as error:
        raise Unusable(f"Page {index + 1} could not be rendered ({error}).") from None
    finally:
        page.close()
    return rendered, width, height, text


def render_pages(data: bytes) -> Iterator[RenderedPage]:
    """Every page of the PDF in order (Unusable as soon as one cannot be)."""
    with pdfium_lock:
        document = open_pdf(data)
    try:
        for index in range(len(document)):
            yield render_page(document, index)
    finally:
        with pdfium_lock:
            document.close()


def crop(image_bytes: bytes, left: float, top: float, width: float, height: float) -> bytes:
    """The rectangle (fractions of the page) of a page image, as its own WebP."""
    with Image.open(io.BytesIO(image_bytes)) as image:
        box = (round(left * image.width), round(top * image.height),
               round((left + width) * image.width), round((top + height) * image.height))
        clipped = image.convert("RGB").crop(box)
        out = io.BytesIO()
        clipped.save(out, "WEBP", quality=85, method=0)
        return out.getvalue()
