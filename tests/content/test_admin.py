"""The editors' admin: lists, filters, actions, inline editing and scheduling."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/content/article/"


def test_article_list_has_filters_search_dates_and_links(editor_client, publication):
    live = ArticleFactory(headline="Live story")
    draft = ArticleFactory(headline="Draft story", status=Article.Status.DRAFT)

    html = editor_client.get(CHANGELIST).content.decode()

    assert "Live story" in html and "Draft story" in html
    for filter_title in ("By status", "By access", "By section", "By origin", "By editors&#x27; pick", "By published at"):
        assert filter_title in html, filter_title
    assert '<nav class="toplinks">' in html  # date hierarchy
    assert f'<a href="/preview/{draft.pk}/">Preview</a>' in html
    assert f'<a href="{live.get_absolute_url()}">View on site</a>' in html


def test_article_search_and_status_filter(editor_client, publication):
    ArticleFactory(headline="Monsoon arrives", standfirst="Rain at last.")
    ArticleFactory(headline="Budget day", standfirst="The monsoon matters too.")
    ArticleFactory(headline="Cricket final", status=Article.Status.DRAFT)

    found = editor_client.get(CHANGELIST, {"q": "monsoon"}).context["cl"].result_list
    drafts = editor_client.get(CHANGELIST, {"status__exact": "draft"}).context["cl"].result_list

    assert sorted(a.headline for a in found) == ["Budget day", "Monsoon arrives"]
    assert [a.headline for a in drafts] == ["Cricket final"]


def test_publish_now_action(editor_client, editor, publication):
    one = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    two = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    response = editor_client.post(
        CHANGELIST, {"action": "publish_now", "_selected_action": [one.pk, two.pk]}, follow=True
    )

    assert "Published 2 stories." in response.content.decode()
    for article in Article.objects.filter(pk__in=[one.pk, two.pk]):
        assert article.status == Article.Status.PUBLISHED
        assert article.published_by == editor
        assert article.is_live()


def test_withdraw_action_takes_a_story_off_the_site(client, editor_client, publication):
    article = ArticleFactory(headline="Pulled by the desk")
    assert "Pulled by the desk" in client.get("/").content.decode()

    response = editor_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [article.pk]}, follow=True)

    assert "Withdrew 1 story." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN
    client.logout()
    assert "Pulled by the desk" not in client.get("/").content.decode()


def test_access_is_editable_in_the_list_and_picks_are_the_desks(editor_client, publication):
    # Picks and their home page order are chosen on the picks desk (tests/content/test_newsroom_desk.py).
    article = ArticleFactory(access=Article.Access.METERED, is_editors_pick=False)

    response = editor_client.post(CHANGELIST, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(article.pk), "form-0-access": "premium", "form-0-is_editors_pick": "on",
        "_save": "Save",
    })

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.access, article.is_editors_pick) == (Article.Access.PREMIUM, False)


def _form(section, author, tag, **overrides):
    data = {
        "headline": "Rates held steady", "slug": "rates-held-steady", "standfirst": "No change this time.",
        "body": "<p>The committee voted to hold.</p>", "section": str(section.pk), "authors": [str(author.pk)],
        "tags": [str(tag.pk)], "status": "published", "published_at_0": "", "published_at_1": "",
        "updated_at_0": "", "updated_at_1": "", "access": "metered", "origin": "staff", "source": "",
        "source_reference": "", "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
    }
    data.update(overrides)
    return data


def test_saving_with_status_scheduled_and_a_future_time_schedules(client, editor_client, publication):
    section, author, tag = SectionFactory(), AuthorFactory(), TagFactory()
    at_local = (clock.now() + dt.timedelta(hours=2)).astimezone(publication.zone).replace(second=0, microsecond=0)

    response = editor_client.post("/admin/content/article/add/", _form(
        section, author, tag, status="scheduled",
        published_at_0=at_local.strftime("%Y-%m-%d"), published_at_1=at_local.strftime("%H:%M:%S"),
    ), follow=True)

    assert response.status_code == 200
    article = Article.objects.get(slug="rates-held-steady")
    assert article.status == Article.Status.SCHEDULED
    assert article.published_at == at_local
    assert "is scheduled and goes live at" in response.content.decode()
    client.logout()
    assert "Rates held steady" not in client.get("/").content.decode()
    with clock.travel(at_local + dt.timedelta(seconds=1)):
        assert "Rates held steady" in client.get("/").content.decode()


def test_saving_as_published_with_no_time_publishes_now(editor_client, publication):
    section, author, tag = SectionFactory(), AuthorFactory(), TagFactory()
    before = clock.now()

    editor_client.post("/admin/content/article/add/", _form(section, author, tag))

    article = Article.objects.get(slug="rates-held-steady")
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= clock.now()
    assert list(article.authors.all()) == [author] and list(article.tags.all()) == [tag]


def test_other_content_admin_pages_load(editor_client, publication):
    SectionFactory(name="World", slug="world")
    for url in ["/admin/content/publication/", "/admin/content/section/", "/admin/content/author/",
                "/admin/content/tag/", "/admin/content/source/", "/admin/content/article/add/",
                f"/admin/content/publication/{publication.pk}/change/"]:
        assert editor_client.get(url).status_code == 200, url
    # Author and tag pickers are autocompletes.
    response = editor_client.get("/admin/autocomplete/", {
        "app_label": "content", "model_name": "article", "field_name": "authors", "term": "",
    })
    assert response.status_code == 200


def test_changing_the_status_in_the_form_withdraws_or_unpublishes(editor_client, editor, publication):
    section, author, tag = SectionFactory(), AuthorFactory(), TagFactory()
    live = ArticleFactory(headline="Rates held steady", slug="rates-held-steady", section=section)
    moment = live.published_at.astimezone(publication.zone)
    data = _form(section, author, tag, published_at_0=moment.strftime("%Y-%m-%d"),
                 published_at_1=moment.strftime("%H:%M:%S"))

    editor_client.post(f"/admin/content/article/{live.pk}/change/", data | {"status": "withdrawn"})
    withdrawn = Article.objects.get(pk=live.pk)
    editor_client.post(f"/admin/content/article/{live.pk}/change/", data | {"status": "draft"})
    drafted = Article.objects.get(pk=live.pk)

    assert (withdrawn.status, withdrawn.published_by) == (Article.Status.WITHDRAWN, editor)
    assert drafted.status == Article.Status.DRAFT
    assert drafted.published_at == live.published_at.replace(microsecond=0)
