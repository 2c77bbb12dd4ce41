"""Renewing due subscriptions against the sandbox gateway, in-process.

    python bench/renewals.py [N]        # prints a Markdown table row (default N = 100000)
    from bench import renewals; renewals.run(n=...) -> list[dict]   (bench/run.py)

It creates N readers with an active Smart Essential subscription whose period ended a
minute ago and whose pre-debit notice went out two days ago (so every one is due),
then times `billing.renewals.renew_due()`: per subscription, one transaction that locks
the row, charges the sandbox with an idempotency key (the sandbox's own SQLite books),
appends the charge to the ledger, issues the GST invoice (locked per-year counter),
applies the state machine and queues the receipt e-mail. E-mails are rendered but not
delivered (Django's dummy backend), so the figure is Masthead's work, not an SMTP server's.

Uses the database the environment configures (MASTHEAD_DATABASE_URL or the SQLite file in
MASTHEAD_DATA_DIR; run standalone, it makes a temporary data dir of its own).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BATCH = 5000


def _setup_django() -> None:
    if "MASTHEAD_DATA_DIR" not in os.environ:
        os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="mh-bench-renewals-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _prepare(n: int, run_id: str):
    """N due subscriptions, created in bulk (the set-up is not timed)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Plan, Subscription
    from masthead.core import clock

    seed_plans(progress=lambda line: None)
    plan = Plan.objects.get(code="smart-essential")
    User = get_user_model()
    now = clock.now()
    end = now - dt.timedelta(minutes=1)
    password = make_password(None)
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        users = User.objects.bulk_create([
            User(username=f"bench-{run_id}-{i}", email=f"bench-{run_id}-{i}@example.in", password=password)
            for i in range(start, start + size)
        ])
        Subscription.objects.bulk_create([
            Subscription(
                reference=f"sub_b{run_id}{i:09d}", user=user, plan=plan, state="active", gateway="sandbox",
                gateway_ref=f"cs_sbx_b{run_id}{i:09d}", payment_method=f"tok_sbx_4242_b{run_id}{i}",
                payment_method_label="Test card ending 4242",
                current_period_start=end - dt.timedelta(days=365), current_period_end=end,
                access_until=end + dt.timedelta(days=3), notice_sent_for=end,
                notice_sent_at=now - dt.timedelta(days=2), created_at=now, updated_at=now,
            )
            for i, user in zip(range(start, start + size), users)
        ])
    return now


def run(n: int = 100_000) -> list[dict]:
    """Renew n due subscriptions; one row: subscriptions/s and total time."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from masthead.billing.models import LedgerEntry, Subscription
    from masthead.billing.renewals import renew_due

    call_command("migrate", interactive=False, verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.MASTHEAD_SANDBOX_STORE = str(Path(settings.DATA_DIR) / f"sandbox-bench-{os.getpid()}.sqlite3")
    run_id = f"{os.getpid() % 100000:05d}{int(time.time()) % 1000:03d}"
    now = _prepare(n, run_id)
    progress_every = max(1, n // 10)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "renewals" and (done % progress_every == 0 or done == total):
            print(f"[renewals] {done:,}/{total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    report = renew_due(now=now, progress=progress)
    elapsed = time.perf_counter() - started
    renewed = Subscription.objects.filter(reference__startswith=f"sub_b{run_id}", state="active",
                                          current_period_end__gt=now).count()
    charges = LedgerEntry.objects.filter(subscription__reference__startswith=f"sub_b{run_id}", kind="charge").count()
    return [{
        "measure": f"renew {n:,} due subscriptions (sandbox, {connection.vendor})",
        "subscriptions_per_s": round(report.renewed / elapsed, 1) if elapsed else 0.0,
        "total_s": round(elapsed, 1),
        "renewed": report.renewed,
        "failed": report.failed,
        "checked": f"{renewed:,} active with a new period, {charges:,} ledger charges",
    }]


def markdown(rows: list[dict]) -> str:
    lines = ["| measure | subscriptions/s | total time | renewed | failed |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['measure']} | {row['subscriptions_per_s']:,.1f} | {row['total_s']:,.1f} s | "
                     f"{row['renewed']:,} | {row['failed']:,} |")
    return "\n".join(lines)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(markdown(run(n=count)))
