"""The demo shows newsletters: several lists, an issue ready to send, e-mails in the outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from django.test import Client

from masthead.content.models import Article
from masthead.core import clock
from masthead.newsletters import sending
from masthead.newsletters.demo import DEMO_ISSUE
from masthead.newsletters.models import Issue, NewsletterList, Signup

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.timezone.utc)


def outbox_messages(folder):
    found = []
    for path in sorted(folder.glob("*.log")):
        # The file backend writes each message followed by a line of dashes.
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return found


def test_the_demo_journey_through_its_outbox(settings, tmp_path, django_capture_on_commit_callbacks):
    from masthead.demo import seed

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    settings.MASTHEAD_NEWSLETTER_RATE = 0
    with clock.travel(NOW, frozen=True):
        seed(progress=lambda line: None)
        seed(progress=lambda line: None)  # idempotent: nothing twice
        assert NewsletterList.objects.count() == 4
        assert NewsletterList.objects.filter(audience="subscribers").count() == 1
        assert Issue.objects.filter(subject=DEMO_ISSUE).count() == 1
        issue = Issue.objects.get(subject=DEMO_ISSUE)
        premium = [i.article for i in issue.items.all() if i.article.access == Article.Access.PREMIUM
                   or i.article.section.is_premium]
        assert premium and issue.items.count() >= 2

        # A visitor joins a free list and confirms from the outbox.
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/newsletters/tech-letter/join/", {"email": "demo-visitor@example.net"})
        confirm = re.search(r"/newsletters/confirm/\S+/", outbox_messages(tmp_path / "outbox")[-1].get_content())
        assert client.post(confirm.group(0)).status_code == 200
        assert Signup.objects.get(email="demo-visitor@example.net").status == "confirmed"

        # The editor sends the issue; the visitor's copy of the premium story holds no gated text.
        report = sending.send_issue(issue)
        assert report.sent == 1
        copy = [m for m in outbox_messages(tmp_path / "outbox") if m["Subject"] == DEMO_ISSUE][0]
        html = copy.get_body(("html",)).get_content()
        story = premium[0]
        paragraphs = re.findall(r"<p>(.*?)</p>", story.body)
        assert story.headline in html and len(paragraphs) > 1
        for paragraph in paragraphs[1:]:
            assert paragraph[:60] not in html and paragraph[:60] not in copy.get_body(("plain",)).get_content()

        # One click unsubscribes.
        leave = copy["List-Unsubscribe"].strip().strip("<>")
        response = Client().post(re.sub(r"^https?://[^/]+", "", leave), data="List-Unsubscribe=One-Click",
                                 content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert Signup.objects.get(email="demo-visitor@example.net").status == "left"
