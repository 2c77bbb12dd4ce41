"""Uploaded pictures are served: right type, cacheable for a year, nothing outside the uploads."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from masthead.content.models import Article
from tests.content.factories import PublicationFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    (tmp_path / "secret_key").write_text("not for readers")
    return root


def jpeg(width: int = 64, height: int = 36) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_an_image_an_editor_uploads_is_served_on_the_story(client, admin_client):
    PublicationFactory()
    section = SectionFactory()
    picture = jpeg()

    response = admin_client.post("/admin/content/article/add/", {
        "headline": "Monsoon arrives", "slug": "", "standfirst": "Rain at last.", "body": "<p>It rained.</p>",
        "section": str(section.pk), "status": "published", "published_at_0": "", "published_at_1": "",
        "updated_at_0": "", "updated_at_1": "", "access": "free", "origin": "staff", "source": "",
        "source_reference": "", "lead_image": SimpleUploadedFile("lead.jpg", picture, "image/jpeg"),
        "lead_image_alt": "Clouds over the sea", "lead_image_caption": "", "lead_image_credit": "",
    })
    assert response.status_code == 302
    story = Article.objects.get(slug="monsoon-arrives")
    page = client.get(story.get_absolute_url(), follow=True).content.decode()
    src = re.search(r'<img src="(/media/articles/[^"]+)" alt="Clouds over the sea"', page).group(1)

    image = client.get(src)

    assert image.status_code == 200
    assert b"".join(image.streaming_content) == picture
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "public, max-age=31536000, immutable"
    assert image["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "Set-Cookie" not in image.headers and "Cookie" not in image.get("Vary", "")


def test_a_browser_that_has_the_file_gets_304(client, media_root):
    (media_root / "a.png").write_bytes(b"\x89PNG fake")
    first = client.get("/media/a.png")

    again = client.get("/media/a.png", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get("/media/a.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    changed = client.get("/media/a.png", HTTP_IF_NONE_MATCH='"something-else"')

    assert (first.status_code, first["Content-Type"]) == (200, "image/png")
    assert again.status_code == since.status_code == 304
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
    assert changed.status_code == 200


@pytest.mark.parametrize("path", [
    "/media/../secret_key", "/media/%2e%2e/secret_key", "/media//etc/passwd", "/media/articles/",
    "/media/missing.jpg", "/media/.hidden.jpg", "/media/a%00.jpg",
])
def test_nothing_outside_the_uploads_and_nothing_hidden_is_served(client, media_root, path):
    (media_root / "articles").mkdir()
    (media_root / ".hidden.jpg").write_bytes(b"x")

    response = client.get(path)

    assert response.status_code == 404, path
    assert b"not for readers" not in response.content


def test_a_link_out_of_the_uploads_is_not_followed(client, media_root, tmp_path):
    (media_root / "out.jpg").symlink_to(tmp_path / "secret_key")

    assert client.get("/media/out.jpg").status_code == 404


def test_a_file_that_is_not_an_image_is_a_download_never_a_page(client, media_root):
    (media_root / "note.html").write_text("<script>alert(1)</script>")
    (media_root / "drawing.svg").write_text("<svg onload='alert(1)'/>")

    for name in ("note.html", "drawing.svg"):
        response = client.get(f"/media/{name}")
        assert response["Content-Type"] == "application/octet-stream", name
        assert response["Content-Disposition"] == f'attachment; filename="{name}"', name


def test_only_reads_are_answered(client, media_root):
    (media_root / "a.jpg").write_bytes(jpeg())

    assert client.post("/media/a.jpg").status_code == 405
    assert client.head("/media/a.jpg").status_code == 200


def test_masthead_serve_serves_uploads(tmp_path):
    """The production server (granian, as `make demo` runs it) answers /media/ itself."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    data = tmp_path / "data"
    (data / "media" / "articles").mkdir(parents=True)
    picture = jpeg(120, 80)
    (data / "media" / "articles" / "lead.jpg").write_bytes(picture)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(data), "MASTHEAD_SERVE_WORKERS": "1"}
    for name in ("MASTHEAD_DATABASE_URL", "MASTHEAD_REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    # A deployment serves from a migrated database (every request reads the publication's zone).
    subprocess.run([sys.executable, "-m", "masthead", "migrate", "--no-input", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "masthead", "serve", "--port", str(port), "--no-collectstatic", "--threads", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/media/articles/lead.jpg", timeout=5) as response:
                    body, headers = response.read(), response.headers
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert body == picture
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
