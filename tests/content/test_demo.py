"""The demo seed: the counts the brief promises, original text, and idempotence."""

from __future__ import annotations

import datetime as dt
import pytest
from django.db import transaction
from django.db.models import Count, Min

from masthead.content.demo import seed_content
from masthead.content.models import Article, Author, Publication, Section, Source, Tag
from masthead.core import clock

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.timezone.utc)  # 14:00 in Kolkata


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the module's tests (seconds on PostgreSQL), in a transaction
    rolled back at the end; each test's own changes roll back to the seeded state. The
    lines the seed printed."""
    lines: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic():
        with clock.travel(NOW, frozen=True):
            seed_content(progress=lines.append)
        yield tuple(lines)
        transaction.set_rollback(True)


def test_demo_seed_meets_the_counts(seeded):
    lines = seeded
    publication = Publication.objects.get()
    counts = dict(Article.objects.values_list("access").annotate(n=Count("id")))

    assert publication.name == "The Demo Ledger"
    assert "fictional" in publication.legal_name and "placeholder" in publication.address
    assert Section.objects.count() == 10
    assert Section.objects.get(slug="markets-analysis").is_premium
    assert Author.objects.count() == 20 and not Author.objects.filter(bio="").exists()
    assert Tag.objects.count() == 42
    assert sorted(Source.objects.values_list("disclaimer", flat=True)) == [
        "Disclaimer: No The Demo Ledger journalist was involved in creation of this content",
    ] * 2
    assert Article.objects.count() == 442
    assert counts["metered"] > counts["free"] > 0 and counts["metered"] > counts["premium"] > 0
    assert counts["metered"] > Article.objects.count() / 2
    assert Article.objects.filter(origin="wire", source__isnull=False).count() > 20
    assert Article.objects.filter(is_editors_pick=True).count() > 10
    assert Article.objects.filter(is_top_story=True).count() >= 7
    assert lines[-1].startswith("Content: 442 new stories, 442 in all")


def test_demo_stories_span_1997_to_today_and_crowd_recent_weeks(seeded):
    zone = Publication.objects.get().zone
    live = Article.objects.live(NOW)
    oldest = live.aggregate(Min("published_at"))["published_at__min"]
    years = {d.year for d in live.datetimes("published_at", "year", tzinfo=zone)}
    today = NOW.astimezone(zone).date()

    def on(day):
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        return live.filter(published_at__gte=start, published_at__lt=start + dt.timedelta(days=1)).count()

    assert oldest.astimezone(zone).year == 1997
    assert years == set(range(1997, 2027))
    assert live.filter(published_at__gte=NOW - dt.timedelta(days=30)).count() >= 150
    assert on(today) >= 2 and on(today - dt.timedelta(days=1)) >= 3


def test_two_stories_are_scheduled_for_later_today(seeded):
    zone = Publication.objects.get().zone
    scheduled = list(Article.objects.filter(status=Article.Status.SCHEDULED).order_by("published_at"))

    assert len(scheduled) == 2
    for article in scheduled:
        assert article.published_at > NOW
        assert article.published_at.astimezone(zone).date() == NOW.astimezone(zone).date()


def test_demo_bodies_have_paragraphs_and_subheads(seeded):
    for body in Article.objects.values_list("body", flat=True)[:50]:
        assert 6 <= body.count("<p>") <= 12
        assert 2 <= body.count("<h2>") <= 3


def test_running_the_seed_again_creates_nothing(seeded):
    before = {m.__name__: m.objects.count() for m in (Publication, Section, Author, Tag, Source, Article)}
    authorships = Article.authors.through.objects.count()
    lines: list[str] = []

    with clock.travel(NOW + dt.timedelta(days=3)):
        seed_content(progress=lines.append)

    after = {m.__name__: m.objects.count() for m in (Publication, Section, Author, Tag, Source, Article)}
    assert after == before
    assert Article.authors.through.objects.count() == authorships
    assert lines[-1].startswith("Content: 0 new stories, 442 in all")


def test_the_demo_home_page_renders(client, seeded):
    with clock.travel(NOW, frozen=True):
        response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "The Demo Ledger" in html
    assert html.count('class="card') >= 30
    assert ">Markets Analysis</a>" in html


def test_a_seed_over_stories_from_an_older_generator_adds_none(seeded):
    # Headlines from an older version of the word lists: different slugs, same demo.
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    Article.objects.update(slug=Concat(Value("old-"), F("slug")))
    lines: list[str] = []

    with clock.travel(NOW, frozen=True):
        seed_content(progress=lines.append)

    assert Article.objects.count() == 442
    assert "Content: the demo stories were written by an earlier run" in lines


def test_the_demo_shows_lead_pictures_it_draws_itself(seeded, client, settings):
    from masthead.content import demo_images
    from masthead.content.pictures import Picture

    lines = list(seeded)
    pictured = Article.objects.exclude(lead_picture=None)
    newest = list(Article.objects.live(NOW).order_by("-published_at").values_list("pk", flat=True)[:36])

    assert pictured.count() == 36
    assert sorted(pictured.values_list("pk", flat=True)) == sorted(newest)
    assert Picture.objects.filter(alt__startswith="An illustration of ", credit=demo_images.CREDIT,
                                  renditions_ready=True).count() == 36
    assert any("36 given lead pictures" in line for line in lines)
    assert demo_images.draw(5) == demo_images.draw(5) != demo_images.draw(6)
    with clock.travel(NOW, frozen=True):
        story = pictured.select_related("lead_picture").order_by("-published_at").first()
        page = client.get(story.get_absolute_url(), follow=True).content.decode()
        rendition = client.get(f"/media/renditions/{story.lead_picture.pk}/wide-f5050-640.webp")
        seed_content(progress=lines.append)
    lead = story.lead_picture
    assert (f'<source type="image/webp" srcset="/media/renditions/{lead.pk}/wide-f5050-320.webp 320w, '
            f'/media/renditions/{lead.pk}/wide-f5050-640.webp 640w, /media/renditions/{lead.pk}/wide-f5050-960.webp 960w"') in page
    assert f'alt="{lead.alt}"' in page and f"{lead.caption} <span class=\"article__credit\">{demo_images.CREDIT}</span>" in page
    assert (rendition.status_code, rendition["Content-Type"]) == (200, "image/webp")
    assert b"".join(rendition.streaming_content)[8:12] == b"WEBP"
    assert Article.objects.exclude(lead_picture=None).count() == 36  # a second run adds none
    assert Picture.objects.count() == 36
