"""Where the ePaper's files live: the "epaper" storage (settings.STORAGES), never /media/.

Names carry a random part chosen per processing run, so a re-processed edition never
reuses an image name and a name cannot be guessed from the edition and page numbers.
"""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def storage():
    """The ePaper's storage (a folder outside MEDIA_ROOT by default; object storage in production)."""
    return storages["epaper"]


def original_name(edition) -> str:
    return f"originals/{edition.date:%Y/%m}/{edition.slug}-{edition.date:%d}-{secrets.token_hex(6)}.pdf"


def run_folder(edition) -> str:
    """A fresh folder for one processing run's page images."""
    return f"pages/{edition.pk}/{secrets.token_hex(8)}"


def save(name: str, data: bytes) -> str:
    """Keep `data` under `name` (the storage may pick another name); returns the name kept."""
    return storage().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        return handle.read()


def delete(*names: str) -> None:
    """Remove files, ignoring names already gone or empty."""
    keep = storage()
    for name in names:
        if name and keep.exists(name):
            keep.delete(name)
