"""The newsroom's roles (content.roles, migration 0007_newsroom): enforced in the actions and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client

from masthead.content import actions, roles
from masthead.content.models import Article
from masthead.core import clock
from tests.content.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/content/article/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def _add_form(section, **overrides):
    data = {
        "headline": "Rates held steady", "slug": "rates-held-steady", "standfirst": "No change this time.",
        "body": "<p>The committee voted to hold.</p>", "section": str(section.pk), "status": "published",
        "published_at_0": "", "published_at_1": "", "updated_at_0": "", "updated_at_1": "", "access": "metered",
        "origin": "staff", "source": "", "source_reference": "", "lead_image_alt": "", "lead_image_caption": "",
        "lead_image_credit": "",
    }
    data.update(overrides)
    return data


def test_the_migration_creates_the_five_roles(staff_in):
    staff_in("Reporter")  # makes sure the groups exist in this database

    assert set(Group.objects.filter(name__in=roles.ROLES).values_list("name", flat=True)) == set(roles.ROLES)
    reporter, editor, chief = _codenames("Reporter"), _codenames("Editor"), _codenames("Desk chief")
    assert {"content.add_article", "content.change_article"} <= reporter
    assert {roles.PUBLISH, roles.CURATE, roles.CORRECT} & reporter == set()
    assert {roles.PUBLISH, roles.CORRECT} <= editor and roles.CURATE not in editor
    assert editor <= chief
    assert {roles.CURATE, "content.change_section", "content.add_section"} <= chief - editor
    assert {"billing.change_plan", "billing.change_offer", "accounts.change_adslot"} <= _codenames("Commercial")
    assert "content.change_article" not in _codenames("Commercial")
    assert "analytics.view_revenue_desk" in _codenames("Analyst")
    assert "analytics.run_experiments" not in _codenames("Analyst")


def test_a_reporter_cannot_publish_through_the_action(publication, staff_in):
    reporter = staff_in("Reporter")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    with pytest.raises(PermissionDenied, match="reporter may not publish or schedule stories"):
        actions.publish_article(draft, by=reporter)
    with pytest.raises(PermissionDenied):
        actions.publish_article(draft, at=clock.now() + dt.timedelta(hours=2), by=reporter)

    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)


def test_an_editor_publishes_and_withdraws_through_the_actions(publication, staff_in):
    editor = staff_in("Editor")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    actions.publish_article(draft, by=editor)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.PUBLISHED
    actions.withdraw_article(draft, by=editor)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.WITHDRAWN


def test_a_reporter_cannot_withdraw_or_unpublish(publication, staff_in):
    reporter = staff_in("Reporter")
    live = ArticleFactory()

    with pytest.raises(PermissionDenied):
        actions.withdraw_article(live, by=reporter)
    with pytest.raises(PermissionDenied):
        actions.unpublish_article(live, by=reporter)
    assert Article.objects.get(pk=live.pk).status == Article.Status.PUBLISHED


def test_the_system_acts_without_a_person(publication):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    actions.publish_article(draft)  # the wire, the worker, the demo: by=None

    assert Article.objects.get(pk=draft.pk).status == Article.Status.PUBLISHED


def test_a_reporter_saves_a_draft_but_cannot_publish_through_the_admin(publication, staff_in):
    reporter = staff_in("Reporter")
    section = SectionFactory()
    client = _client(reporter)

    form = client.get("/admin/content/article/add/").content.decode()
    response = client.post("/admin/content/article/add/", _add_form(section, status="published"))

    assert 'name="status"' not in form  # shown, not offered
    assert response.status_code == 302
    article = Article.objects.get(slug="rates-held-steady")
    assert (article.status, article.published_at, article.published_by) == (Article.Status.DRAFT, None, None)


def test_a_reporter_has_no_publish_action_in_the_list(publication, staff_in):
    reporter = staff_in("Reporter")
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client = _client(reporter)

    page = client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [str(draft.pk)]})

    assert 'value="publish_now"' not in page
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_an_editor_publishes_through_the_admin(publication, staff_in):
    editor = staff_in("Editor")
    section = SectionFactory()
    client = _client(editor)

    response = client.post("/admin/content/article/add/", _add_form(section, status="published"))

    assert response.status_code == 302
    article = Article.objects.get(slug="rates-held-steady")
    assert (article.status, article.published_by) == (Article.Status.PUBLISHED, editor)


def test_a_reporter_cannot_change_a_story_readers_can_see(publication, staff_in):
    reporter = staff_in("Reporter")
    live = ArticleFactory(headline="As published")
    client = _client(reporter)

    page = client.get(f"/admin/content/article/{live.pk}/change/")
    response = client.post(f"/admin/content/article/{live.pk}/change/",
                           _add_form(live.section, headline="Rewritten by a reporter", slug=live.slug))
    listed = client.post(CHANGELIST, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(live.pk), "form-0-access": "premium", "_save": "Save",
    })

    assert page.status_code == 200 and 'name="headline"' not in page.content.decode()  # view only
    assert response.status_code == 403
    assert listed.status_code == 403
    live.refresh_from_db()
    assert (live.headline, live.access) == ("As published", Article.Access.METERED)


def test_picks_are_the_desk_chiefs(publication, staff_in):
    editor, chief = staff_in("Editor"), staff_in("Desk chief")
    story = ArticleFactory()

    with pytest.raises(PermissionDenied):
        actions.update_article(story, is_editors_pick=True, by=editor)
    with pytest.raises(PermissionDenied):
        actions.arrange_picks({story.pk: 1}, picks={story.pk}, candidates={story.pk}, by=editor)
    assert _client(editor).get("/admin/content/article/desk/").status_code == 403
    assert Article.objects.get(pk=story.pk).is_editors_pick is False

    actions.arrange_picks({story.pk: 1}, picks={story.pk}, candidates={story.pk}, by=chief)

    assert Article.objects.filter(pk=story.pk).values_list("is_editors_pick", "home_order").get() == (True, 1)
    assert _client(chief).get("/admin/content/article/desk/").status_code == 200


def test_an_editor_cannot_tick_a_pick_in_the_story_form(publication, staff_in):
    editor = staff_in("Editor")
    story = ArticleFactory()

    page = _client(editor).get(f"/admin/content/article/{story.pk}/change/").content.decode()

    assert 'name="is_editors_pick"' not in page and 'name="home_order"' not in page
    assert 'name="headline"' in page


def test_commercial_runs_plans_and_ads_not_stories(publication, staff_in):
    client = _client(staff_in("Commercial"))

    assert client.get("/admin/billing/plan/").status_code == 200
    assert client.get("/admin/billing/offer/").status_code == 200
    assert client.get("/admin/accounts/adslot/").status_code == 200
    assert client.get("/admin/content/article/add/").status_code == 403
    assert client.get("/admin/revenue/").status_code in (302, 403)


def test_the_analyst_reads_the_revenue_desk_only(publication, staff_in):
    client = _client(staff_in("Analyst"))

    assert client.get("/admin/revenue/").status_code == 200
    assert client.get("/admin/content/article/").status_code == 403
    assert client.get("/admin/billing/plan/").status_code == 403
