"""Lead pictures for the demo's stories, drawn with Pillow from a fixed seed.

Abstract pictures (a sky, a horizon, a skyline, a sun) in a few palettes: the same files
on every machine, a few dozen of them, shared by the newest stories, so the demo's front
page and story pages show pictures without shipping any. They go into the picture library
(`ensure_library`) with alt text, caption, credit and their renditions.
"""

from __future__ import annotations

import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from masthead.content import renditions
from masthead.content.pictures import Picture

PICTURES = 36
SIZE = (1200, 675)  # 16:9, the width story pages show
FOLDER = "articles/demo"
PALETTES = [  # (sky top, sky bottom, ground, accent), named for the alt text
    ("dawn", (38, 56, 110), (244, 170, 120), (52, 48, 70), (255, 214, 150)),
    ("noon", (70, 140, 210), (190, 225, 245), (60, 110, 80), (255, 245, 200)),
    ("dusk", (60, 30, 80), (230, 110, 90), (40, 30, 50), (255, 190, 120)),
    ("monsoon", (70, 80, 95), (160, 170, 180), (50, 70, 70), (220, 230, 235)),
    ("harbour", (20, 60, 100), (120, 180, 200), (20, 40, 60), (250, 220, 160)),
    ("desert", (120, 170, 220), (250, 220, 170), (190, 130, 70), (255, 250, 230)),
]


def picture_name(index: int) -> str:
    return f"{FOLDER}/lead-{index:02d}.jpg"


def _has_buildings(index: int) -> bool:
    return (index // len(PALETTES)) % 2 == 0


def alt_text(index: int) -> str:
    scene = "a city skyline" if _has_buildings(index) else "hills"
    return f"An illustration of {scene} under a {PALETTES[index % len(PALETTES)][0]} sky"


def caption(index: int) -> str:
    scene = "skyline" if _has_buildings(index) else "hills"
    return f"The {scene} at {PALETTES[index % len(PALETTES)][0]}."


CREDIT = "Illustration: Masthead demo"


def draw(index: int) -> bytes:
    """Picture `index` as JPEG bytes. Same index, same bytes."""
    rng = random.Random(20261201 + index)
    _name, top, bottom, ground, accent = PALETTES[index % len(PALETTES)]
    width, height = SIZE
    mask = Image.linear_gradient("L").resize(SIZE)
    image = Image.composite(Image.new("RGB", SIZE, bottom), Image.new("RGB", SIZE, top), mask)
    pen = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.75))
    sun_x, sun_y, radius = rng.randint(150, width - 150), rng.randint(80, horizon - 60), rng.randint(40, 90)
    pen.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=accent)
    pen.rectangle((0, horizon, width, height), fill=ground)
    x, buildings = 0, _has_buildings(index)
    while x < width:
        step = rng.randint(40, 120)
        if buildings:
            top_y = horizon - rng.randint(30, 220)
            pen.rectangle((x, top_y, x + step - 6, horizon), fill=tuple(max(0, c - 25) for c in ground))
        else:
            peak = horizon - rng.randint(20, 140)
            pen.polygon([(x - step, horizon), (x + step // 2, peak), (x + 2 * step, horizon)],
                        fill=tuple(min(255, c + 20) for c in ground))
        x += step
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def ensure_pictures() -> list[tuple[str, str]]:
    """The demo pictures in storage (each drawn once), as (name, alt text)."""
    for index in range(PICTURES):
        if not default_storage.exists(picture_name(index)):
            default_storage.save(picture_name(index), ContentFile(draw(index)))
    return [(picture_name(index), alt_text(index)) for index in range(PICTURES)]


def ensure_library(progress=None) -> list[Picture]:
    """The demo pictures as library Pictures, each with its renditions, made here at once
    (not by the worker) so the demo's first page already serves them; a second run reuses
    every row and file."""
    known = {p.image.name: p for p in Picture.objects.filter(image__startswith=FOLDER + "/")}
    pictures = []
    for index, (name, alt) in enumerate(ensure_pictures()):
        picture = known.get(name)
        if picture is None:
            picture = Picture(image=name, alt=alt, caption=caption(index), credit=CREDIT)
            picture.width, picture.height = SIZE
            picture.save()
        if not picture.renditions_ready:
            renditions.make(picture)
            Picture.objects.filter(pk=picture.pk).update(renditions_ready=True)
            picture.renditions_ready = True
        pictures.append(picture)
        if progress is not None:
            progress(index + 1)
    return pictures
