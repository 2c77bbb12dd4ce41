"""The newsletter pages and the e-mail itself are valid HTML (the Nu HTML Checker)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.newsletters import actions, sending, tokens
from masthead.newsletters.models import NewsletterList, Signup
from tests.accounts.factories import PASSWORD
from tests.core.test_html_valid import check

pytestmark = [pytest.mark.django_db, pytest.mark.html]


def test_the_newsletter_pages_and_the_email_are_valid_html(issue, reader, tmp_path, django_capture_on_commit_callbacks):
    NewsletterList.objects.create(slug="morning-brief", name="The Morning Brief", cadence="daily")
    NewsletterList.objects.create(slug="club", name="Subscribers' Club", audience="subscribers")
    anonymous = Client()
    signed_in = Client()
    assert signed_in.login(username=reader.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        inbox = anonymous.post("/newsletters/morning-brief/join/", {"email": "valid@example.net"})
    token = re.search(r"/newsletters/confirm/(\S+)/", mail.outbox[-1].body).group(1)
    signup = Signup.objects.get(email="visitor@example.net")
    leave = f"/newsletters/leave/{tokens.leave_token(signup.pk, signup.email)}/"
    pages = {
        "index": anonymous.get("/newsletters/"),
        "index-signed-in": signed_in.get("/newsletters/"),
        "preferences": signed_in.get("/accounts/newsletters/"),
        "join-error": anonymous.post("/newsletters/morning-brief/join/", {"email": "nope"}),
        "check-inbox": inbox,
        "confirm": anonymous.get(f"/newsletters/confirm/{token}/"),
        "confirmed": anonymous.post(f"/newsletters/confirm/{token}/"),
        "bad-link": anonymous.get("/newsletters/confirm/forged:token/"),
        "leave": anonymous.get(leave),
        "left": anonymous.post(leave),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), f"{name} answered {response.status_code}"
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")
    files.append(tmp_path / "email.html")
    files[-1].write_text(sending.preview(issue).html, encoding="utf-8")

    assert check(files) == []
    assert actions.join_wording(issue.newsletter) in pages["index"].content.decode()
