"""A send killed with SIGKILL mid-issue, then run again: everyone gets the issue once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from masthead.newsletters import sending
from masthead.newsletters.models import Delivery, Issue
from tests.newsletters.conftest import confirmed

pytestmark = pytest.mark.django_db(transaction=True)


def _env(settings, port: int) -> dict:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.pop("MASTHEAD_REDIS_URL", None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "masthead.settings", "MASTHEAD_DATA_DIR": str(settings.DATA_DIR),
        "MASTHEAD_DATABASE_URL": url, "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "MASTHEAD_EMAIL_HOST": "127.0.0.1", "MASTHEAD_EMAIL_PORT": str(port),
        "MASTHEAD_PUBLIC_URL": "https://news.example.com", "MASTHEAD_REQUEST_LOG_LEVEL": "WARNING",
    })
    return env


def test_a_killed_send_resumes_with_no_one_sent_twice(smtp, settings, newsletter, stories):
    for i in range(40):
        confirmed(newsletter, f"reader{i:03d}@example.org")
    issue = Issue.objects.create(newsletter=newsletter, subject="Killed and resumed")
    child = subprocess.Popen(
        [sys.executable, "-m", "masthead", "newsletters", "send", str(issue.pk), "--rate", "10", "--quiet"],
        env=_env(settings, settings.EMAIL_PORT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(smtp.messages) < 8 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    first_run = len(smtp.messages)
    assert 8 <= first_run < 40, child.stderr.read().decode()[-2000:]

    report = sending.send_issue(Issue.objects.get(pk=issue.pk), rate=0)

    received = [r for rcpts, _, _ in smtp.messages for r in rcpts]
    assert len(received) == len(set(received)), "someone got the issue twice"
    unknown = Delivery.objects.filter(issue=issue, status="sending").count()
    assert unknown <= 1  # at most the message being handed over when the kill came
    # Everyone but that one received it exactly once (and that one at most once).
    assert 40 - unknown <= len(received) <= 40
    assert report.pending == 0 and report.sent + report.unknown == 40
