"""The editors' side (build, preview as a recipient, test, send, progress) and data rights."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from masthead.newsletters.models import Consent, Delivery, Issue, Signup
from tests.newsletters.conftest import CANARY, confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("edna", "edna@example.com", "pw-edna-1234", is_staff=True,
                                                is_superuser=True)


@pytest.fixture
def staff_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def test_an_editor_builds_an_issue_from_ordered_stories_with_an_introduction(staff_client, newsletter, stories):
    free, metered, premium = stories
    response = staff_client.post("/admin/newsletters/issue/add/", {
        "newsletter": newsletter.pk, "subject": "Hand-picked", "introduction": "Hello readers.",
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-position": "2", "items-0-article": free.pk,
        "items-1-position": "0", "items-1-article": premium.pk,
        "items-2-position": "1", "items-2-article": metered.pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get(subject="Hand-picked")
    assert [i.article for i in issue.items.all()] == [premium, metered, free]
    assert issue.created_by.username == "edna"
    page = staff_client.get(f"/admin/newsletters/issue/{issue.pk}/change/").content.decode()
    assert "Not started" in page and "as a reader without a subscription" in page


def test_the_preview_shows_the_issue_as_the_given_recipient_would_see_it(staff_client, issue, subscriber, reader):
    url = f"/admin/newsletters/issue/{issue.pk}/preview/"
    anonymous = staff_client.get(url).content.decode()
    as_reader = staff_client.get(url, {"as": reader.email}).content.decode()
    as_subscriber = staff_client.get(url, {"as": subscriber.email}).content.decode()

    for page in (anonymous, as_reader):
        assert "Premium call on the rupee" in page
        assert CANARY not in page and "marmoset" not in page
    assert CANARY in as_subscriber
    assert Client().get(url).status_code == 302  # staff only


def test_a_test_send_goes_to_the_editor_only_and_keeps_no_row(staff_client, issue, editor):
    response = staff_client.post("/admin/newsletters/issue/", {"action": "send_test", "_selected_action": [issue.pk]})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["edna@example.com"]]
    assert mail.outbox[0].subject == "[Test] The week in markets"
    assert Delivery.objects.count() == 0 and Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_send_now_sends_and_the_issue_shows_its_progress(staff_client, issue):
    staff_client.post("/admin/newsletters/issue/", {"action": "send_now", "_selected_action": [issue.pk]})
    assert sorted(m.to[0] for m in mail.outbox) == ["rita@example.com", "sita@example.com", "visitor@example.net"]
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
    page = staff_client.get(f"/admin/newsletters/issue/{issue.pk}/change/").content.decode()
    assert '<progress max="3" value="3"></progress> 3 of 3 done: 3 sent, 0 failed, 0 skipped, 0 waiting' in page
    # Sending again sends nothing more.
    staff_client.post("/admin/newsletters/issue/", {"action": "send_now", "_selected_action": [issue.pk]})
    assert len(mail.outbox) == 3


def test_schedule_needs_a_time(staff_client, issue):
    staff_client.post("/admin/newsletters/issue/", {"action": "schedule", "_selected_action": [issue.pk]})
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_releasing_unknown_deliveries_lets_the_next_run_send_them(staff_client, issue):
    from masthead.newsletters import sending

    sending.start(issue)
    Delivery.objects.filter(email="visitor@example.net").update(status="sending")
    staff_client.post("/admin/newsletters/issue/", {"action": "release_unknown", "_selected_action": [issue.pk]})
    assert Delivery.objects.get(email="visitor@example.net").status == "pending"


def test_the_export_holds_the_readers_sign_ups_and_consents(reader, newsletter):
    from masthead.accounts.data_rights import export_all
    from masthead.newsletters import actions

    actions.join(newsletter, reader)
    data = export_all(reader)["newsletters"]
    assert data["signups"][0]["newsletter"] == "Markets Weekly"
    assert data["signups"][0]["consents"][0]["wording"] == actions.join_wording(newsletter)
    json.dumps(data)


def test_erasure_removes_sign_ups_and_consents_and_the_address_on_deliveries(reader, newsletter, issue):
    from masthead.newsletters import actions, personal_data, sending

    sending.send_issue(issue)
    # An address the reader joined with before signing up is theirs too.
    personal_data.erase(reader)
    assert not Signup.objects.filter(email=reader.email).exists()
    assert not Consent.objects.filter(signup__email=reader.email).exists()
    assert not Delivery.objects.filter(email=reader.email).exists()
    assert Delivery.objects.filter(issue=issue).count() == 3  # the issue's counts stay right
    assert actions.is_suppressed(reader.email) is False


def test_the_personal_data_module_is_registered(settings):
    assert "masthead.newsletters.personal_data" in settings.MASTHEAD_PERSONAL_DATA
