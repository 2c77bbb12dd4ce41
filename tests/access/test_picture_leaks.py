"""Pictures on gated pages, in the leak suite's style: the lead picture is not gated text and
shows to everyone; pictures and posts embedded past the teaser leave only with the rest."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.content.models import Article
from masthead.content.picture_actions import add_picture
from masthead.core import clock
from tests.content.factories import ArticleFactory
from tests.content.test_pictures import image_bytes
from tests.instants import ORDINARY_DAY

pytestmark = pytest.mark.django_db
CANARY = "Quixotic marmosets photographed"
EMBEDDED = "https://www.youtube.com/watch?v=CanaryVid01"


@pytest.fixture(autouse=True)
def _one_month():
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def gated(publication, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = add_picture(name="lead.jpg", content=image_bytes(1280, 720), alt="The harbour", caption="Harbour at dusk")
        inside = add_picture(name="inside.jpg", content=image_bytes(1280, 720), alt=f"{CANARY} alt",
                             caption=f"{CANARY} caption", credit="Photo: Canary")
    body = (f"<p>The opening paragraph anyone may read.</p><p>The second, gated.</p>"
            f'<figure data-picture="{inside.pk}"></figure><figure data-embed="{EMBEDDED}"></figure><p>More.</p>')
    premium = ArticleFactory(body=body, access=Article.Access.PREMIUM, lead_picture=lead)
    free = ArticleFactory(body=body, access=Article.Access.FREE, lead_picture=lead)
    return premium, free, lead, inside


def test_a_gated_page_shows_the_lead_picture_but_nothing_embedded_past_the_teaser(gated):
    premium, _free, lead, inside = gated

    page = Client().get(premium.get_absolute_url(), follow=True).content.decode()

    assert "The opening paragraph anyone may read." in page
    assert f"/media/renditions/{lead.pk}/wide-f5050-640.jpg" in page and 'alt="The harbour"' in page
    for needle in ("The second, gated.", f"/media/renditions/{inside.pk}/", inside.image.url, "marmosets", "Photo: Canary",
                   "CanaryVid01", "youtube", 'data-picture="'):
        assert needle not in page, needle


def test_a_reader_who_may_read_the_story_sees_its_embeds(gated):
    _premium, free, _lead, inside = gated

    page = Client().get(free.get_absolute_url(), follow=True).content.decode()

    assert f"/media/renditions/{inside.pk}/wide-f5050-640.jpg" in page and f"{CANARY} caption" in page
    assert f'href="{EMBEDDED}"' in page


def test_the_api_of_a_gated_story_names_no_embedded_picture(gated):
    premium, _free, _lead, inside = gated

    detail = Client().get(f"/api/articles/{premium.pk}/").content.decode()

    assert f"/media/renditions/{inside.pk}/" not in detail and "marmosets" not in detail and "CanaryVid01" not in detail
