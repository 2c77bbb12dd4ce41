"""One newsletter issue to 100,000 recipients through a local SMTP sink.

    python bench/newsletters.py [N]       # prints a Markdown table row (default N = 100000)

It makes a fresh data dir (unless MASTHEAD_DATA_DIR / MASTHEAD_DATABASE_URL say otherwise),
migrates, and creates a list that promises whole stories, an issue of five stories (free,
metered and premium, the gated ones carrying a marker sentence after the teaser) and N
confirmed recipients: 1% of them subscribers (an account with a complimentary grant), the
rest addresses without an account. Then it runs the real command,
`masthead newsletters send ISSUE --rate 0`, in its own process against an aiosmtpd sink on
loopback (in a process of its own too, so the two do not share an interpreter), and reports:
messages per second over the whole command (start-up, fixing the recipient rows, rendering,
SMTP, recording each send), the command's peak memory (its resident set, sampled from /proc
while it runs), and checks that every recipient got exactly one message and that no copy for
a non-subscriber held the marker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.servers import RssSampler  # noqa: E402 - after the path is set

MARKER = "Quixotic marmosets juggle seventeen turquoise abacuses"
BATCH = 5000

SINK = r"""
import signal, sys, threading
sys.path.insert(0, sys.argv[1])
from tests.newsletters.smtp import LoopbackController

MARKER = sys.argv[2].encode()
counts = {"messages": 0, "leaks": 0, "recipients": set()}
lock = threading.Lock()

class Sink:
    async def handle_DATA(self, server, session, envelope):
        body = envelope.original_content or b""
        with lock:
            counts["messages"] += 1
            for rcpt in envelope.rcpt_tos:
                counts["recipients"].add(rcpt)
                if MARKER in body and not rcpt.startswith("subscriber"):
                    counts["leaks"] += 1
        return "250 OK"

controller = LoopbackController(Sink())
controller.start()
print(controller.port, flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
print(counts["messages"], len(counts["recipients"]), counts["leaks"], flush=True)
"""


def _setup_django() -> None:
    if "MASTHEAD_DATA_DIR" not in os.environ:
        os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="mh-bench-newsletters-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _prepare(n: int) -> int:
    """The list, the issue and N confirmed recipients (not timed). Returns the issue id."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from masthead.accounts.models import ComplimentaryGrant
    from masthead.content.models import Article, Publication, Section
    from masthead.core import clock
    from masthead.newsletters.models import Issue, IssueArticle, NewsletterList, Signup

    call_command("migrate", verbosity=0)
    now = clock.now()
    Publication.objects.get_or_create(pk=1, defaults={"name": "The Bench Gazette", "public_url": "https://news.example.com"})
    section, _ = Section.objects.get_or_create(slug="markets", defaults={"name": "Markets"})
    body = "<p>The opening paragraph anyone may read.</p>" + f"<p>{MARKER} behind the paywall.</p>" * 3
    stories = []
    for i, access in enumerate(["free", "metered", "premium", "metered", "premium"]):
        stories.append(Article.objects.create(
            headline=f"Bench story {i}", standfirst=f"Standfirst of bench story {i}.", section=section,
            body=body if access != "free" else "<p>A free story.</p><p>Its second paragraph.</p>",
            status="published", published_at=now - dt.timedelta(hours=1), access=access))
    newsletter = NewsletterList.objects.create(slug=f"bench-{int(time.time())}", name="Bench Weekly",
                                               shows=NewsletterList.Shows.FULL_TEXT)
    issue = Issue.objects.create(newsletter=newsletter, subject="The bench issue", introduction="Hello.")
    IssueArticle.objects.bulk_create([IssueArticle(issue=issue, article=a, position=k) for k, a in enumerate(stories)])
    subscribers = n // 100
    User = get_user_model()
    password = make_password(None)
    users = User.objects.bulk_create([
        User(username=f"subscriber{i}", email=f"subscriber{i}@example.com", password=password)
        for i in range(subscribers)], batch_size=BATCH)
    ComplimentaryGrant.objects.bulk_create([
        ComplimentaryGrant(user=u, all_benefits=True, starts_at=now - dt.timedelta(days=1),
                           ends_at=now + dt.timedelta(days=30), reason="press") for u in users], batch_size=BATCH)
    rows = [Signup(newsletter=newsletter, email=u.email, user=u, status="confirmed", created_at=now, confirmed_at=now)
            for u in users]
    rows += [Signup(newsletter=newsletter, email=f"reader{i:06d}@example.org", status="confirmed", created_at=now,
                    confirmed_at=now) for i in range(n - subscribers)]
    Signup.objects.bulk_create(rows, batch_size=BATCH)
    return issue.pk


def run(n: int = 100_000) -> list[dict]:
    _setup_django()
    from django.db import connections

    started = time.monotonic()
    issue_id = _prepare(n)
    prepared = time.monotonic() - started
    connections.close_all()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(ROOT), MARKER], stdout=subprocess.PIPE, text=True)
    port = int(sink.stdout.readline())
    env = dict(os.environ, MASTHEAD_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
               MASTHEAD_EMAIL_HOST="127.0.0.1", MASTHEAD_EMAIL_PORT=str(port),
               MASTHEAD_PUBLIC_URL="https://news.example.com", MASTHEAD_REQUEST_LOG_LEVEL="WARNING")
    load_before = os.getloadavg()[0]
    begin = time.monotonic()
    # The command's memory is sampled from /proc while it runs: getrusage's peak for a child
    # counts the memory of this process (which made the N recipients) from before the exec.
    command = subprocess.Popen([sys.executable, "-m", "masthead", "newsletters", "send", str(issue_id), "--rate", "0",
                                "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with RssSampler(command.pid) as memory:
        stdout, stderr = command.communicate()
    done = subprocess.CompletedProcess(command.args, command.returncode, stdout, stderr)
    seconds = time.monotonic() - begin
    peak_kb = memory.peak / 1024
    sink.terminate()
    messages, recipients, leaks = (int(x) for x in sink.communicate(timeout=60)[0].split())
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return [{
        "measure": f"one issue to {n:,} recipients through a local SMTP sink (masthead newsletters send)",
        "messages_per_second": messages / seconds,
        "seconds": seconds,
        "peak_rss_mb": peak_kb / 1024,
        "messages": messages,
        "recipients": recipients,
        "leaks": leaks,
        "prepared_seconds": prepared,
        "load": (load_before, os.getloadavg()[0]),
        "summary": done.stdout.strip().splitlines()[-1],
    }]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for row in run(n):
        ok = row["messages"] == n and row["recipients"] == n and row["leaks"] == 0
        print("| Measure | Messages/s | Total | Peak RSS (send) | Every recipient once | Gated text to non-subscribers |")
        print("|---|---|---|---|---|---|")
        print(f"| {row['measure']} | {row['messages_per_second']:,.0f} | {row['seconds']:.1f} s | "
              f"{row['peak_rss_mb']:.0f} MB | {'yes' if row['messages'] == row['recipients'] == n else 'NO'} "
              f"({row['messages']:,} messages, {row['recipients']:,} addresses) | {row['leaks']} copies |")
        print(f"\n- load average (1 min) {row['load'][0]:.2f} before, {row['load'][1]:.2f} after; "
              f"set-up (not timed) {row['prepared_seconds']:.0f} s")
        print(f"- command: {row['summary']}")
        if not ok:
            raise SystemExit("FAILED: not every recipient got exactly one clean message")


if __name__ == "__main__":
    main()
