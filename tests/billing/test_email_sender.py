"""Every subscription e-mail is from the publication, at the configured address."""

from __future__ import annotations

from django.core import mail

from masthead.billing import emails


def test_every_subscription_email_is_from_the_publication(settings, subscriber, publication,
                                                         django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "subscriptions@dailymasthead.example"
    sub = subscriber.subscriptions.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for kind in emails.SUBJECTS:
            emails.send(kind, sub, amount="₹2,700")

    assert len(mail.outbox) == len(emails.SUBJECTS) == 9
    for message in mail.outbox:
        assert message.from_email == "The Daily Masthead <subscriptions@dailymasthead.example>", message.subject
        assert "The Daily Masthead" in message.body
        assert message.to == [subscriber.email]
