"""Uploaded files (lead images) served by Masthead itself, under MEDIA_URL.

The demo and ``masthead serve`` have no proxy in front, so the app serves what editors
upload; a deployment whose proxy or object storage serves ``/media/`` sets
``MASTHEAD_SERVE_MEDIA=0`` (README, "Uploaded files"). WhiteNoise cannot do this: it
indexes its files once at start, and uploads arrive later.

Uploaded names never change content (the storage picks a new name rather than overwrite),
so responses are cacheable for a year and marked immutable. Only files inside MEDIA_ROOT
are served, never hidden files; anything but a known image type or PDF is sent as a
download, and every response is sandboxed, so an uploaded file can never run as a page of
this site.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

CACHE_CONTROL = "public, max-age=31536000, immutable"
# What browsers may show inline; the rest is a download.
INLINE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".pdf": "application/pdf",
}


def _file_under(root: Path, path: str) -> Path:
    """The file `path` names inside `root`, or Http404 (missing, a directory, hidden, or outside)."""
    if "\x00" in path or any(part.startswith(".") for part in Path(path).parts):
        raise Http404("No such file")
    try:
        found = (root / path).resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, or a symlink loop
        raise Http404("No such file") from exc
    if not found.is_relative_to(root) or not found.is_file():
        raise Http404("No such file")
    return found


@require_safe
def serve(request, path: str):
    """GET /media/<path>: the uploaded file, with long cache lifetimes and its content type."""
    root = Path(settings.MEDIA_ROOT).resolve()
    found = _file_under(root, path)
    stat = found.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if request.headers.get("If-None-Match") == etag or (
        "If-None-Match" not in request.headers
        and not was_modified_since(request.headers.get("If-Modified-Since"), stat.st_mtime)
    ):
        response = HttpResponseNotModified()
    else:
        content_type = INLINE_TYPES.get(found.suffix.lower())
        response = FileResponse(
            found.open("rb"), content_type=content_type or "application/octet-stream",
            as_attachment=content_type is None, filename=found.name,
        )
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
