"""Hard bounces and complaints suppress the address: from an e-mail service's verified
tracking webhook (django-anymail) and from bounce messages in a mailbox folder."""

from __future__ import annotations

import base64
import mailbox
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from masthead.newsletters import sending
from masthead.newsletters.models import Issue, Suppression
from tests.newsletters.conftest import confirmed

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
URL = "/newsletters/webhooks/postmark/tracking/"
SECRET = "postmark-hook:s3cret-for-tests"


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


def post(name: str, auth: str | None = SECRET):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return Client().post(URL, (FIXTURES / name).read_text(), content_type="application/json", **headers)


def test_a_verified_hard_bounce_webhook_suppresses_the_address(webhook_secret):
    response = post("postmark_hard_bounce.json")
    assert response.status_code == 200
    row = Suppression.objects.get()
    assert (row.email, row.reason) == ("gone@example.org", "bounced")
    assert row.detail.startswith("Postmark: The server was unable to deliver")


def test_a_complaint_webhook_suppresses_the_address(webhook_secret):
    assert post("postmark_spam_complaint.json").status_code == 200
    assert Suppression.objects.get().reason == "complained"


def test_a_soft_bounce_suppresses_nothing(webhook_secret):
    assert post("postmark_soft_bounce.json").status_code == 200
    assert Suppression.objects.count() == 0


@pytest.mark.parametrize("auth", [None, "postmark-hook:wrong", "someone:s3cret-for-tests"])
def test_a_webhook_without_the_right_credentials_is_refused_and_changes_nothing(webhook_secret, auth):
    assert post("postmark_hard_bounce.json", auth=auth).status_code in (400, 403)
    assert Suppression.objects.count() == 0


def test_webhooks_are_refused_while_no_secret_is_set(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    assert post("postmark_hard_bounce.json", auth=None).status_code == 400
    assert Suppression.objects.count() == 0


def test_an_unknown_service_is_not_found(webhook_secret):
    assert Client().post("/newsletters/webhooks/nosuch/tracking/", "{}", content_type="application/json").status_code == 404


def test_a_bounced_address_gets_no_further_issue(webhook_secret, smtp, newsletter, stories):
    confirmed(newsletter, "gone@example.org")
    confirmed(newsletter, "fine@example.org")
    post("postmark_hard_bounce.json")
    issue = Issue.objects.create(newsletter=newsletter, subject="After the bounce")
    report = sending.send_issue(issue)
    assert report.total == 1
    assert [r for rcpts, _, _ in smtp.messages for r in rcpts] == ["fine@example.org"]


def _maildir(tmp_path, names) -> Path:
    folder = tmp_path / "bounces"
    box = mailbox.Maildir(str(folder), create=True)
    for name in names:
        box.add((FIXTURES / name).read_bytes())
    box.close()
    return folder


def test_the_bounces_command_reads_a_maildir_folder(db, tmp_path):
    folder = _maildir(tmp_path, ["dsn_hard_bounce.eml", "dsn_delayed.eml", "arf_complaint.eml"])
    (folder / "new" / "garbage").write_bytes(b"\x00\xffnot mail at all")
    out = StringIO()

    call_command("newsletters", "bounces", str(folder), "--quiet", stdout=out)

    assert dict(Suppression.objects.values_list("email", "reason")) == {
        "nobody@example.org": "bounced", "complainer@example.net": "complained"}
    assert "4 messages read: 1 hard bounces, 1 complaints, 2 other; 2 addresses newly suppressed" in out.getvalue()
    # Reading again changes nothing and suppresses no one twice.
    out = StringIO()
    call_command("newsletters", "bounces", str(folder), "--quiet", stdout=out)
    assert "0 addresses newly suppressed" in out.getvalue() and Suppression.objects.count() == 2


def test_the_bounces_command_can_remove_what_it_read(db, tmp_path):
    folder = _maildir(tmp_path, ["dsn_hard_bounce.eml"])
    call_command("newsletters", "bounces", str(folder), "--remove", "--quiet", stdout=StringIO())
    assert len(mailbox.Maildir(str(folder), create=False)) == 0


def test_the_bounces_command_reads_an_mbox_file(db, tmp_path):
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(str(path))
    box.add((FIXTURES / "dsn_hard_bounce.eml").read_bytes())
    box.close()
    call_command("newsletters", "bounces", str(path), "--quiet", stdout=StringIO())
    assert Suppression.objects.get().email == "nobody@example.org"


def test_the_bounces_command_explains_a_missing_folder(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="neither a Maildir folder nor an mbox file"):
        call_command("newsletters", "bounces", str(tmp_path / "nowhere"))
