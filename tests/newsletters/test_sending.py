"""Issues sent through a real SMTP server on loopback: what arrives, to whom, and only once."""

from __future__ import annotations

import smtplib
from urllib.parse import urlparse

import pytest
from django.core.mail.backends.smtp import EmailBackend
from django.test import Client

from masthead.newsletters import sending
from masthead.newsletters.models import Delivery, Issue, NewsletterList, Signup, Suppression
from tests.newsletters.conftest import CANARY, confirmed

pytestmark = pytest.mark.django_db

GATED_WORDS = [CANARY, "marmosets", "turquoise", "marmoset testimony"]


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_each_recipient_gets_one_message_with_bulk_sender_headers_and_both_parts(smtp, issue):
    report = sending.send_issue(issue)

    assert (report.sent, report.failed, report.skipped, report.pending, report.unknown) == (3, 0, 0, 0, 0)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
    assert sorted(r for rcpts, _, _ in smtp.messages for r in rcpts) == [
        "rita@example.com", "sita@example.com", "visitor@example.net"]
    message = smtp.to("visitor@example.net")[0]
    assert message["Subject"] == "The week in markets"
    assert message["From"] == "The Markets Desk <markets@news.example.com>"
    assert message["Reply-To"] == "desk@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Markets Weekly <markets-weekly.news.example.com>"
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith("https://news.example.com/newsletters/leave/")
    text, html = parts(message)
    assert "Good morning." in text and "Free story for everyone" in text and link in text
    assert "Premium call on the rupee" in html and link in html
    # Every recipient has their own link.
    links = {m["List-Unsubscribe"] for _, m, _ in smtp.messages}
    assert len(links) == 3


def test_the_css_is_inlined_for_mail_clients_that_drop_style_blocks(smtp, issue):
    sending.send_issue(issue)
    _, html = parts(smtp.to("visitor@example.net")[0])
    assert '<h2 class="headline" style="' in html
    assert "max-width: 600px" in html  # the sheet's width, on the element itself


@pytest.mark.parametrize("address", ["visitor@example.net", "rita@example.com"])
def test_a_recipient_without_the_benefit_gets_headline_standfirst_and_link_never_gated_text(smtp, issue, stories,
                                                                                            address):
    sending.send_issue(issue)
    message = smtp.to(address)[0]
    raw = message.as_string()
    text, html = parts(message)
    for needle in GATED_WORDS:
        assert needle.lower() not in raw.lower(), f"{address}'s copy leaks {needle!r}"
        assert needle.lower() not in text.lower() and needle.lower() not in html.lower()
    free, metered, premium = stories
    assert "Our analyst&#x27;s view of the week." in html or "Our analyst's view of the week." in html
    assert "https://news.example.com" + premium.get_absolute_url() in text
    assert "Subscribers read the full story" in text
    # A free story is open to everyone: its body is there.
    assert "for readers allowed to see it" in text


def test_an_entitled_recipient_gets_the_whole_story_the_list_promises(smtp, issue):
    sending.send_issue(issue)
    text, html = parts(smtp.to("sita@example.com")[0])
    assert CANARY in text and CANARY in html
    assert "marmoset testimony" in html


def test_sending_counts_no_read_on_the_meter(smtp, issue, reader):
    from masthead.access.models import MeterRead

    sending.send_issue(issue)
    assert MeterRead.objects.count() == 0


def test_one_click_unsubscribe_from_the_received_header_needs_no_login(smtp, issue):
    sending.send_issue(issue)
    link = smtp.to("visitor@example.net")[0]["List-Unsubscribe"].strip().strip("<>")

    response = Client(enforce_csrf_checks=True).post(
        urlparse(link).path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    signup = Signup.objects.get(email="visitor@example.net")
    assert signup.status == Signup.Status.LEFT
    assert signup.consents.last().action == "withdrawn"
    assert signup.consents.last().source == "unsubscribe link"
    # The next issue does not go there.
    second = Issue.objects.create(newsletter=issue.newsletter, subject="Next week")
    smtp.messages.clear()
    sending.send_issue(second)
    assert smtp.to("visitor@example.net") == []
    assert len(smtp.messages) == 2


def test_an_altered_unsubscribe_link_is_refused_and_changes_nothing(smtp, issue):
    sending.send_issue(issue)
    path = urlparse(smtp.to("visitor@example.net")[0]["List-Unsubscribe"].strip().strip("<>")).path
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    response = Client().post(forged, data="List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert Signup.objects.get(email="visitor@example.net").status == Signup.Status.CONFIRMED


class CrashAfter(EmailBackend):
    """Hands `limit` messages to the server, then the process "dies" just after handing the
    next one over (before the send is recorded), as a kill would."""

    def __init__(self, limit: int, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit
        self.handed = 0

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        self.handed += sent
        if self.handed > self.limit:
            raise SystemExit("killed")
        return sent


def _recipients(newsletter, n):
    for i in range(n):
        confirmed(newsletter, f"reader{i:03d}@example.org")


def test_a_rerun_after_a_crash_sends_only_to_those_not_yet_sent_never_twice(smtp, newsletter, stories):
    _recipients(newsletter, 25)
    issue = Issue.objects.create(newsletter=newsletter, subject="Crash and resume")

    with pytest.raises(SystemExit):
        sending.send_issue(issue, batch_size=10, connection=CrashAfter(7, host="127.0.0.1", port=smtp_port()))

    assert len(smtp.messages) == 8  # seven recorded, the eighth handed over as the process died
    assert Delivery.objects.filter(issue=issue, status="sent").count() == 7
    assert Delivery.objects.filter(issue=issue, status="sending").count() == 1

    report = sending.send_issue(issue, batch_size=10)

    received = [r for rcpts, _, _ in smtp.messages for r in rcpts]
    assert len(received) == 25 and len(set(received)) == 25  # everyone once, nobody twice
    assert (report.sent, report.unknown, report.pending) == (24, 1, 0)
    assert "outcome unknown" in report.as_line()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def smtp_port():
    from django.conf import settings

    return settings.EMAIL_PORT


def test_a_rerun_of_a_finished_issue_sends_nothing(smtp, issue):
    sending.send_issue(issue)
    smtp.messages.clear()
    report = sending.send_issue(issue)
    assert smtp.messages == [] and report.sent == 3


def test_an_address_the_server_refuses_fails_and_is_suppressed(smtp, issue):
    smtp.refuse.add("visitor@example.net")
    report = sending.send_issue(issue)
    assert (report.sent, report.failed) == (2, 1)
    row = Delivery.objects.get(email="visitor@example.net")
    assert row.status == "failed" and row.detail.startswith("550")
    assert Suppression.objects.get(email="visitor@example.net").reason == "bounced"


def test_suppressed_addresses_get_no_rows_and_no_mail(smtp, issue):
    Suppression.objects.create(email="rita@example.com", reason="complained", at=issue.created_at)
    report = sending.send_issue(issue)
    assert report.total == 2 and smtp.to("rita@example.com") == []


def test_a_subscriber_only_list_skips_recipients_without_the_newsletters_benefit(smtp, issue):
    NewsletterList.objects.filter(pk=issue.newsletter_id).update(audience=NewsletterList.Audience.SUBSCRIBERS)
    issue.refresh_from_db()
    report = sending.send_issue(issue)
    assert (report.sent, report.skipped) == (1, 2)
    assert [r for rcpts, _, _ in smtp.messages for r in rcpts] == ["sita@example.com"]
    assert Delivery.objects.get(email="rita@example.com").detail == "no longer holds the newsletters benefit"


def test_the_rate_limit_spaces_messages(smtp, issue, monkeypatch):
    """Two a second: three messages take one second of waiting (a stand-in clock, no real sleep)."""
    waits, moment = [], [1000.0]

    def sleep(seconds):
        waits.append(round(seconds, 3))
        moment[0] += seconds

    monkeypatch.setattr(sending.time, "sleep", sleep)
    monkeypatch.setattr(sending.time, "monotonic", lambda: moment[0])
    sending.send_issue(issue, rate=2)
    assert len(smtp.messages) == 3
    assert waits == [0.5, 0.5]


def test_the_command_sends_with_a_progress_bar_and_a_summary(smtp, issue):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("newsletters", "send", str(issue.pk), stdout=out)
    printed = out.getvalue()
    assert "sending [##############################] 3/3" in printed
    assert f"issue {issue.pk}: 3 sent, 0 failed, 0 skipped, 0 waiting of 3" in printed
    assert len(smtp.messages) == 3


def test_the_command_refuses_an_unknown_issue(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no issue 999"):
        call_command("newsletters", "send", "999")


def test_messages_are_dkim_signed_when_a_key_is_set(smtp, issue, settings):
    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    settings.MASTHEAD_DKIM_PRIVATE_KEY = pem.decode()
    settings.MASTHEAD_DKIM_SELECTOR = "mh2026"
    settings.MASTHEAD_DKIM_DOMAIN = "news.example.com"
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name, timeout=5):
        return record if name == b"mh2026._domainkey.news.example.com." else None

    sending.send_issue(issue)
    raw = smtp.messages[0][2]
    assert raw.startswith(b"DKIM-Signature:")
    assert dkim.verify(raw, dnsfunc=dns)
    assert not dkim.verify(raw.replace(b"The week in markets", b"The week in marketz"), dnsfunc=dns)


def test_the_send_records_when_each_message_went(smtp, issue):
    sending.send_issue(issue)
    row = Delivery.objects.get(email="visitor@example.net")
    assert row.sent_at is not None and row.claimed_at is not None
    assert abs((row.sent_at - clock_now()).total_seconds()) < 60
    assert row.sent_at >= row.claimed_at


def clock_now():
    from masthead.core import clock

    return clock.now()


def test_headers_in_any_script_and_of_any_length_arrive_as_written(smtp, issue):
    subject = ("बाज़ार का हफ़्ता: the rupee at ₹83, and a subject long enough that a mail client would "
               "fold it over several lines")
    Issue.objects.filter(pk=issue.pk).update(subject=subject)
    NewsletterList.objects.filter(pk=issue.newsletter_id).update(sender_name="बाज़ार Desk — Markets")

    sending.send_issue(Issue.objects.get(pk=issue.pk))

    message = smtp.to("visitor@example.net")[0]
    raw = smtp.messages[0][2]
    assert raw.isascii()  # encoded words and transfer encodings: 7-bit on the wire
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert message["Subject"] == subject
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("बाज़ार Desk — Markets", "markets@news.example.com")
    text, html = parts(message)
    assert "Good morning." in text and text.endswith("\n")
    assert '<h2 class="headline" style="' in html


def test_a_sender_name_with_a_comma_arrives_as_one_address(smtp, issue):
    NewsletterList.objects.filter(pk=issue.newsletter_id).update(sender_name="Markets, Money & More")

    sending.send_issue(Issue.objects.get(pk=issue.pk))

    [sender] = smtp.to("visitor@example.net")[0]["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Markets, Money & More", "markets@news.example.com")


def test_a_subject_with_a_line_break_is_refused_before_anything_is_sent(smtp, issue):
    from django.core.mail import BadHeaderError

    Issue.objects.filter(pk=issue.pk).update(subject="Markets\r\nBcc: everyone@example.com")

    with pytest.raises(BadHeaderError):
        sending.send_issue(Issue.objects.get(pk=issue.pk))

    assert smtp.messages == []
    # Nobody's delivery was claimed and left unknown: the issue can be fixed and sent.
    assert not Delivery.objects.filter(issue=issue).exclude(status=Delivery.Status.PENDING).exists()
