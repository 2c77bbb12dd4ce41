"""The picture library: uploaded pictures with alt text, caption, credit and focal point.

A Picture is uploaded once and reused: as an article's lead picture (`Article.lead_picture`)
or embedded in a body (``<figure data-picture="ID"></figure>``). Its renditions (sizes and
crops the templates use, WebP and JPEG) are made by content/renditions.py.

An upload is checked before anything is stored (`validate_picture_file`, run by the admin's
form and by picture_actions.add_picture, not on every save, which would re-read the file from
the storage): Pillow must read
it as a JPEG, PNG, WebP or GIF, within the size and pixel limits; otherwise the editor gets
a message saying what is wrong and what would do.
"""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from PIL import Image, UnidentifiedImageError

from masthead.core import clock

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000  # 50 megapixels: a full-frame camera's picture, and no decompression bombs
MIN_WIDTH = 320  # the smallest rendition
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_picture_file(upload) -> None:
    """Refuse what is not a picture we can use, with a message an editor can act on."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            f"The file is {size / 1024 / 1024:.1f} MB; pictures may be at most {MAX_BYTES // 1024 // 1024} MB."
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, (width, height) = image.format, image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        f"The picture is {width}×{height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels, please."
                    )
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise ValidationError("This file is not a picture Masthead can read: upload a JPEG, PNG, WebP or GIF.") from exc
        raise ValidationError(f"The picture has too many pixels; at most {MAX_PIXELS // 1_000_000} megapixels, please.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("The picture file is damaged or incomplete: export it again and upload the new file.") from exc
    finally:
        if position is not None:
            upload.seek(position)
    if kind not in FORMATS:
        raise ValidationError(f"{kind} pictures are not accepted: upload a JPEG, PNG, WebP or GIF.")
    if width < MIN_WIDTH:
        raise ValidationError(f"The picture is {width} pixels wide; at least {MIN_WIDTH}, please.")


def _unit(label: str):
    return models.FloatField(
        label, default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the left (top) edge, 1 the right (bottom); crops keep this point in view.",
    )


class Picture(models.Model):
    image = models.ImageField(
        upload_to="pictures/%Y/%m/", width_field="width", height_field="height",
        help_text=f"JPEG, PNG, WebP or GIF; at least {MIN_WIDTH} pixels wide, at most "
        f"{MAX_BYTES // 1024 // 1024} MB and {MAX_PIXELS // 1_000_000} megapixels.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt = models.CharField(
        "alt text", max_length=300,
        help_text="What the picture shows, for readers who cannot see it (required).",
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="e.g. Photo: A. Rao / Masthead")
    focal_x = _unit("focal point, across")
    focal_y = _unit("focal point, down")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)
    renditions_ready = models.BooleanField(
        default=False, editable=False, help_text="Its renditions are made (pages use the original until then).",
    )

    class Meta:
        app_label = "content"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["-uploaded_at"], name="picture_newest")]

    def __str__(self) -> str:
        # The number is what the editor's "Picture from the library" button asks for.
        return f"{self.caption or self.alt} (picture {self.pk})"
