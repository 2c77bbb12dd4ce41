"""The withdrawn-story page and a wire story's page are valid HTML (Nu HTML Checker)."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.content.models import Article
from tests.core.test_html_valid import check
from tests.wire.conftest import OWN_SAMPLES, ingest_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.html]


def test_wire_pages_are_valid_html(wire, tmp_path):
    ingest_bytes(wire, (OWN_SAMPLES / "ninjs-1.x-v1.json").read_bytes())
    ingest_bytes(wire, (OWN_SAMPLES / "newsml-xhtml-message.xml").read_bytes(), name="m.xml")
    ingest_bytes(wire, (OWN_SAMPLES / "ninjs-1.x-kill.json").read_bytes())
    withdrawn = Article.objects.get(status=Article.Status.WITHDRAWN)
    live = Article.objects.get(status=Article.Status.PUBLISHED)
    files = []
    for name, url, status in (("withdrawn.html", withdrawn.get_absolute_url(), 410),
                              ("wire-story.html", live.get_absolute_url(), 200)):
        response = Client().get(url, follow=True)
        assert response.status_code == status
        path = tmp_path / name
        path.write_bytes(response.content)
        files.append(path)

    assert check(files) == []
