"""The picture library: uploads checked, renditions made at the sizes and crops the pages use
(WebP and JPEG, around the focal point), served with srcset and long cache lifetimes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from masthead.content import pictures as picture_rules
from masthead.content import renditions
from masthead.content.models import Article
from masthead.content.picture_actions import add_picture
from masthead.content.pictures import Picture
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/content/picture/add/"


def image_bytes(width: int, height: int, kind: str = "JPEG", halves=((30, 60, 200), (220, 30, 30))) -> bytes:
    """A picture whose top half (or left half, when wide) is one colour and the rest another."""
    image = Image.new("RGB", (width, height), halves[1])
    top = Image.new("RGB", (width, height // 2) if height >= width else (width // 2, height), halves[0])
    image.paste(top, (0, 0))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def _upload(editor_client, content: bytes, name: str = "port.jpg", alt: str = "Cranes at the port", **extra):
    data = {"image": SimpleUploadedFile(name, content, "image/jpeg"), "alt": alt, "caption": "The port at dawn.",
            "credit": "Photo: A. Rao", "focal_x": "0.5", "focal_y": "0.5", **extra}
    return editor_client.post(ADD, data)


def test_an_editor_uploads_a_picture_and_its_renditions_are_made(editor_client, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(editor_client, image_bytes(2000, 1000))

    picture = Picture.objects.get()
    assert response.status_code == 302
    assert (picture.alt, picture.caption, picture.credit, picture.width, picture.height) == (
        "Cranes at the port", "The port at dawn.", "Photo: A. Rao", 2000, 1000)
    assert picture.uploaded_by == editor and picture.renditions_ready
    made = {name for name in default_storage.listdir(f"renditions/{picture.pk}")[1]}
    assert made == {f"{crop}-{w}.{ext}" for crop in ("wide-f5050", "full") for w in (320, 640, 960, 1280)
                    for ext in ("webp", "jpg")}
    with default_storage.open(f"renditions/{picture.pk}/wide-f5050-960.webp") as f:
        wide = Image.open(f)
        assert (wide.format, wide.size) == ("WEBP", (960, 540))
    with default_storage.open(f"renditions/{picture.pk}/full-1280.jpg") as f:
        full = Image.open(f)
        assert (full.format, full.size) == ("JPEG", (1280, 640))


def test_a_small_picture_is_never_enlarged():
    picture = Picture(pk=4, width=700, height=700, focal_x=0.5, focal_y=0.5)

    assert [(r.name, r.width, r.height) for r in renditions.planned(picture, "wide")] == [
        ("renditions/4/wide-f5050-320.webp", 320, 180), ("renditions/4/wide-f5050-320.jpg", 320, 180),
        ("renditions/4/wide-f5050-640.webp", 640, 360), ("renditions/4/wide-f5050-640.jpg", 640, 360),
    ]
    assert [r.width for r in renditions.planned(picture, "full")] == [320, 320, 640, 640]


def test_the_crop_keeps_the_focal_point_in_view():
    # A portrait 1000x2000 cropped to 16:9 is a band 562 high: where the focal point says.
    assert renditions.crop_box(1000, 2000, (16, 9), (0.5, 0.1)) == (0, 0, 1000, 562)
    assert renditions.crop_box(1000, 2000, (16, 9), (0.5, 0.5)) == (0, 719, 1000, 1281)
    assert renditions.crop_box(1000, 2000, (16, 9), (0.5, 0.9)) == (0, 1438, 1000, 2000)
    # A panorama 4000x1000 cropped to 16:9 is 1778 wide.
    assert renditions.crop_box(4000, 1000, (16, 9), (0.8, 0.5)) == (2222, 0, 4000, 1000)


def test_renditions_are_cropped_around_the_focal_point(django_capture_on_commit_callbacks):
    blue, red = (30, 60, 200), (220, 30, 30)
    content = image_bytes(1000, 2000, "PNG", halves=(blue, red))  # blue above, red below
    with django_capture_on_commit_callbacks(execute=True):
        low = add_picture(name="tower.png", content=content, alt="A tower", focal=(0.5, 0.9))
        high = add_picture(name="tower.png", content=content, alt="A tower", focal=(0.5, 0.1))

    def middle(picture):
        with default_storage.open(f"renditions/{picture.pk}/wide-f50{round(picture.focal_y * 100):02d}-640.jpg") as f:
            image = Image.open(f).convert("RGB")
            return image.getpixel((320, 180))

    assert all(abs(a - b) < 12 for a, b in zip(middle(low), red))
    assert all(abs(a - b) < 12 for a, b in zip(middle(high), blue))


def test_moving_the_focal_point_in_the_admin_makes_new_crops(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(editor_client, image_bytes(1000, 2000))
    picture = Picture.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/content/picture/{picture.pk}/change/", {
            "alt": picture.alt, "caption": picture.caption, "credit": picture.credit, "focal_x": "0.5", "focal_y": "0.2",
        })

    picture.refresh_from_db()
    assert response.status_code == 302
    assert (picture.focal_y, picture.renditions_ready) == (0.2, True)
    assert default_storage.exists(f"renditions/{picture.pk}/wide-f5020-640.webp")
    assert 'click to set the focal point' in editor_client.get(f"/admin/content/picture/{picture.pk}/change/").content.decode()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4 not a picture", "notes.jpg", "This file is not a picture Masthead can read: upload a JPEG, PNG, WebP or GIF."),
    (image_bytes(200, 100), "small.jpg", "The picture is 200 pixels wide; at least 320, please."),
    (image_bytes(400, 300, "BMP"), "old.bmp", "BMP pictures are not accepted: upload a JPEG, PNG, WebP or GIF."),
    (image_bytes(2000, 1000)[:300], "cut.jpg", "The picture file is damaged or incomplete: export it again and upload the new file."),
])
def test_an_upload_that_is_not_a_usable_picture_is_refused_with_a_clear_message(editor_client, content, name, message):
    stored = lambda: sorted(default_storage.listdir("pictures")[0]) if default_storage.exists("pictures") else []  # noqa: E731
    before = stored()

    response = _upload(editor_client, content, name=name)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [message]
    assert Picture.objects.count() == 0 and stored() == before


def test_a_picture_over_the_pixel_and_size_limits_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr(picture_rules, "MAX_PIXELS", 1_000_000)
    too_many = _upload(editor_client, image_bytes(2000, 1000))
    monkeypatch.setattr(picture_rules, "MAX_BYTES", 1024)
    too_big = _upload(editor_client, image_bytes(800, 400))

    assert too_many.context["adminform"].form.errors["image"] == ["The picture is 2000×1000 pixels; at most 1 megapixels, please."]
    assert too_big.context["adminform"].form.errors["image"][0].startswith("The file is 0.0 MB; pictures may be at most 0 MB")
    assert Picture.objects.count() == 0


def test_alt_text_is_required(editor_client):
    response = _upload(editor_client, image_bytes(800, 400), alt="   ")

    assert response.context["adminform"].form.errors["alt"] == ["This field is required."]
    assert Picture.objects.count() == 0


def test_the_library_lists_thumbnails_and_finds_by_caption_and_credit(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        port = add_picture(name="port.jpg", content=image_bytes(800, 450), alt="Cranes", caption="The port at dawn",
                           credit="Photo: A. Rao")
        add_picture(name="rain.jpg", content=image_bytes(800, 450), alt="Rain", caption="Monsoon", credit="Photo: B. Sen")

    listing = editor_client.get("/admin/content/picture/").content.decode()
    by_caption = editor_client.get("/admin/content/picture/", {"q": "port at"}).context["cl"].result_list
    by_credit = editor_client.get("/admin/content/picture/", {"q": "B. Sen"}).context["cl"].result_list

    assert f'<img src="/media/renditions/{port.pk}/wide-f5050-320.jpg" alt="Cranes" width="120"' in listing
    assert f"&lt;figure data-picture=&quot;{port.pk}&quot;&gt;" in listing or f'data-picture="{port.pk}"' in listing
    assert [p.alt for p in by_caption] == ["Cranes"] and [p.alt for p in by_credit] == ["Rain"]


@pytest.fixture
def pictured_story(publication, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        picture = add_picture(name="port.jpg", content=image_bytes(1600, 900), alt="Cranes at the port",
                              caption="The port at dawn.", credit="Photo: A. Rao")
    story = ArticleFactory(access=Article.Access.FREE, lead_picture=picture, is_top_story=True,
                           body="<p>One.</p><p>Two.</p>")
    return story, picture


def test_the_story_page_serves_the_lead_picture_with_srcset_webp_and_jpeg(client, pictured_story, settings):
    settings.MASTHEAD_PUBLIC_URL = "https://news.example.com"
    story, picture = pictured_story
    page = client.get(story.get_absolute_url(), follow=True).content.decode()
    base = f"/media/renditions/{picture.pk}/wide-f5050"

    assert (
        f'<figure class="article__figure"><picture><source type="image/webp" srcset="{base}-320.webp 320w, '
        f'{base}-640.webp 640w, {base}-960.webp 960w, {base}-1280.webp 1280w" sizes="{renditions.SIZES["story"]}">'
        f'<img src="{base}-640.jpg" srcset="{base}-320.jpg 320w, {base}-640.jpg 640w, {base}-960.jpg 960w, '
        f'{base}-1280.jpg 1280w" sizes="{renditions.SIZES["story"]}" alt="Cranes at the port" width="640" height="360" '
        'loading="eager" decoding="async"></picture>'
        '<figcaption>The port at dawn. <span class="article__credit">Photo: A. Rao</span></figcaption></figure>'
    ) in page
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert jsonld["image"] == [f"https://news.example.com{base}-1280.jpg"]
    assert f'<meta property="og:image" content="https://news.example.com{base}-1280.jpg">' in page


def test_the_front_page_card_uses_the_renditions(client, pictured_story):
    story, picture = pictured_story
    page = client.get("/").content.decode()

    assert (f'<picture><source type="image/webp" srcset="/media/renditions/{picture.pk}/wide-f5050-320.webp 320w'
            in page)
    assert f'<img class="card__image" src="/media/renditions/{picture.pk}/wide-f5050-640.jpg"' in page


def test_until_the_renditions_are_made_the_page_shows_the_original(client, publication):
    picture = add_picture(name="port.jpg", content=image_bytes(1600, 900), alt="Cranes at the port")  # no commit: no task
    story = ArticleFactory(access=Article.Access.FREE, lead_picture=picture)

    page = client.get(story.get_absolute_url(), follow=True).content.decode()

    assert f'<img src="{picture.image.url}" alt="Cranes at the port" width="1600" height="900" loading="eager"' in page
    assert "<picture>" not in page


def test_renditions_are_served_with_a_year_long_immutable_cache(client, pictured_story):
    _story, picture = pictured_story

    response = client.get(f"/media/renditions/{picture.pk}/wide-f5050-640.webp")

    assert (response.status_code, response["Content-Type"]) == (200, "image/webp")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"


def test_pictures_go_to_s3_when_the_setting_says_so(tmp_path):
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path), "MASTHEAD_MEDIA_STORAGE": "s3",
           "MASTHEAD_S3_BUCKET": "ledger-pictures", "MASTHEAD_S3_ENDPOINT_URL": "https://s3.example.test",
           "DJANGO_SETTINGS_MODULE": "masthead.settings"}
    env.pop("MASTHEAD_SERVE_MEDIA", None)
    code = ("import json; from django.conf import settings as s; d = s.STORAGES['default'];"
            "print(json.dumps([d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'],"
            "d['OPTIONS']['object_parameters'], d['OPTIONS']['querystring_auth'], s.MASTHEAD_SERVE_MEDIA]))")

    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert json.loads(out) == ["storages.backends.s3.S3Storage", "ledger-pictures", "https://s3.example.test",
                               {"CacheControl": "public, max-age=31536000, immutable"}, False, False]


def test_a_reporter_may_add_pictures_to_the_library_but_not_delete_them(client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    reporter = get_user_model().objects.create_user("rita", "rita@example.com", "pw-rita-1234", is_staff=True)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(reporter)

    assert client.get(ADD).status_code == 200
    assert (reporter.has_perm("content.add_picture"), reporter.has_perm("content.delete_picture")) == (True, False)
