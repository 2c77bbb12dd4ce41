"""A picture's renditions: the widths and crops the templates use, in WebP and JPEG.

Made once per picture and focal point, on upload, by a background task
(`content.make_renditions`, started on commit by content.actions): a page never waits for
Pillow, and with S3 storage there is no app request on which to make them lazily. Their
names are fixed by (picture, crop, width, focal point), so a page can name them without
asking the storage; until a picture's renditions are made (`Picture.renditions_ready`),
pages show the original. Moving the focal point makes new names, so a year-long immutable
cache never serves an old crop.

Crops: "wide" (16:9, the lead picture on story pages and cards) and "full" (the picture's
own shape, for pictures in a body). A picture already 16:9 has one set for both. Widths are
never larger than the cropped original (no upscaling).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import format_html
from PIL import Image, ImageOps

WIDTHS = (320, 640, 960, 1280)
CROPS = {"wide": (16, 9), "full": None}
ENCODINGS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
QUALITY = {"WEBP": 78, "JPEG": 82}
FOLDER = "renditions"
# What the layout gives a picture (site.css: .article is 44rem; cards take a column).
SIZES = {
    "story": "(min-width: 46rem) 44rem, calc(100vw - 2rem)",
    "card": "(min-width: 60rem) 36rem, calc(100vw - 2rem)",
}


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    extension: str

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def _ratio(picture, crop: str) -> tuple[int, int]:
    """The crop's ratio; "full" (or a picture within 1% of 16:9) is the picture's own."""
    wanted = CROPS[crop]
    own = (picture.width, picture.height)
    if wanted is None:
        wide = CROPS["wide"]
        return wide if abs(own[0] / own[1] - wide[0] / wide[1]) < 0.01 else own
    return wanted


def crop_box(width: int, height: int, ratio: tuple[int, int], focal: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside width×height, centred on the focal point as far as
    the edges allow: (left, top, right, bottom)."""
    rw, rh = ratio
    box_w, box_h = width, round(width * rh / rw)
    if box_h > height:
        box_w, box_h = round(height * rw / rh), height
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def _crop_key(picture, crop: str) -> str:
    rw, rh = _ratio(picture, crop)
    focal = f"{round(picture.focal_x * 100):02d}{round(picture.focal_y * 100):02d}"
    shape = "wide" if (rw, rh) == CROPS["wide"] else "full"
    return f"{shape}-f{focal}" if shape == "wide" else "full"


def planned(picture, crop: str) -> list[Rendition]:
    """The renditions of `picture` for `crop`, smallest first (names only, nothing read)."""
    ratio = _ratio(picture, crop)
    left, top, right, bottom = crop_box(picture.width, picture.height, ratio, (picture.focal_x, picture.focal_y))
    box_w, box_h = right - left, bottom - top
    widths = [w for w in WIDTHS if w <= box_w] or [box_w]
    key = _crop_key(picture, crop)
    return [
        Rendition(f"{FOLDER}/{picture.pk}/{key}-{w}.{ext}", w, round(w * box_h / box_w), ext)
        for w in widths for ext, _format, _type in ENCODINGS
    ]


def make(picture) -> int:
    """Make every rendition of `picture` that is not stored yet; how many were made."""
    with default_storage.open(picture.image.name, "rb") as source:
        original = ImageOps.exif_transpose(Image.open(source))
        original.load()
    if original.mode not in ("RGB", "L"):
        flat = Image.new("RGB", original.size, "white")
        flat.paste(original.convert("RGBA"), mask=original.convert("RGBA").split()[-1])
        original = flat
    original = original.convert("RGB")
    made, seen = 0, set()
    for crop in CROPS:
        wanted = [r for r in planned(picture, crop) if r.name not in seen and not default_storage.exists(r.name)]
        seen.update(r.name for r in planned(picture, crop))
        if not wanted:
            continue  # e.g. "full" of a 16:9 picture is its "wide" set
        box = crop_box(original.width, original.height, _ratio(picture, crop), (picture.focal_x, picture.focal_y))
        source = original.crop(box)
        # Largest first, each from the one before: Lanczos over a picture at most a few times
        # larger than the result, several times faster than from the original each time.
        for rendition in sorted(wanted, key=lambda r: -r.width):
            if source.width != rendition.width:
                source = source.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
            image = source
            out = io.BytesIO()
            kind = dict((ext, fmt) for ext, fmt, _t in ENCODINGS)[rendition.extension]
            image.save(out, kind, quality=QUALITY[kind], **({"optimize": True} if kind == "JPEG" else {"method": 4}))
            default_storage.save(rendition.name, ContentFile(out.getvalue()))
            made += 1
    return made


def picture_html(picture, *, crop: str = "wide", sizes: str = SIZES["story"], loading: str = "lazy",
                 css_class: str = "") -> str:
    """<picture> with a WebP source and a JPEG fallback, by srcset/sizes; the original alone
    until the renditions are made."""
    if not picture.renditions_ready:
        return format_html(
            '<img{} src="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async">',
            format_html(' class="{}"', css_class) if css_class else "",
            picture.image.url, picture.alt, picture.width, picture.height, loading,
        )
    renditions = planned(picture, crop)
    by_ext = {ext: [r for r in renditions if r.extension == ext] for ext, _f, _t in ENCODINGS}
    srcset = {ext: ", ".join(f"{r.url} {r.width}w" for r in found) for ext, found in by_ext.items()}
    jpegs = by_ext["jpg"]
    fallback = next((r for r in jpegs if r.width >= 640), jpegs[-1])
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img{} src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async">'
        "</picture>",
        srcset["webp"], sizes,
        format_html(' class="{}"', css_class) if css_class else "",
        fallback.url, srcset["jpg"], sizes, picture.alt, fallback.width, fallback.height, loading,
    )


def largest_url(picture, crop: str = "wide") -> str:
    """The largest JPEG rendition's URL (JSON-LD, Open Graph), or the original's."""
    if not picture.renditions_ready:
        return picture.image.url
    return [r for r in planned(picture, crop) if r.extension == "jpg"][-1].url
