"""Importing subscribers from another system, in-process.

    python bench/subscribers_import.py [N]      # prints a Markdown table row (default N = 100000)
    from bench import subscribers_import; subscribers_import.run(n=...) -> list[dict]

Writes a CSV of N subscribers (new accounts, a mix of sandbox, Razorpay and Stripe rows,
paid through dates in the coming year) and times `billing.subscriber_import.import_subscribers()`
on it: parse and check every row, then per batch of 1,000 one transaction that looks up
existing accounts and subscriptions, bulk-creates the accounts and the subscriptions.
Then it times the rerun of the same file (every row found and skipped: nothing doubled).

Uses the database the environment configures (MASTHEAD_DATABASE_URL or the SQLite file in
MASTHEAD_DATA_DIR; run standalone, it makes a temporary data dir of its own).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    if "MASTHEAD_DATA_DIR" not in os.environ:
        os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="mh-bench-import-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def make_csv(n: int, run_id: str) -> str:
    out = io.StringIO()
    out.write("email,name,plan,paid_through,provider,customer_id,subscription_id,state,source\n")
    plans = ("smart-quarterly", "smart-essential", "super-saver")
    today = dt.date.today()
    for i in range(n):
        provider = ("sandbox", "razorpay", "stripe")[i % 3]
        paid = today + dt.timedelta(days=2 + i % 360)
        customer = f"tok_sbx_4242_i{run_id}{i}" if provider == "sandbox" else f"cust_{run_id}{i}"
        sub_id = "" if provider == "sandbox" else f"sub_{run_id}{i:08d}"
        out.write(f"import-{run_id}-{i}@example.in,Reader {i},{plans[i % 3]},{paid.isoformat()},{provider},"
                  f"{customer},{sub_id},{'cancelled' if i % 10 == 0 else 'active'},bench\n")
    return out.getvalue()


def run(n: int = 100_000) -> list[dict]:
    """Import n subscribers, then rerun the file; rows per second for each."""
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Subscription
    from masthead.billing.subscriber_import import import_subscribers

    call_command("migrate", interactive=False, verbosity=0)
    seed_plans(progress=lambda line: None)
    run_id = f"{os.getpid() % 100000:05d}{int(time.time()) % 1000:03d}"
    data = make_csv(n, run_id)
    step = max(1, n // 10)

    def progress(done: int, total: int) -> None:
        if done % step < 1000 or done == total:
            print(f"[import] {done:,}/{total:,}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    first = import_subscribers(data, progress=progress)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = import_subscribers(data)
    again_s = time.perf_counter() - started
    stored = Subscription.objects.filter(imported_from="bench", user__email__startswith=f"import-{run_id}-").count()
    return [{
        "measure": f"import {n:,} subscribers ({connection.vendor})",
        "rows_per_s": round(n / first_s, 1), "total_s": round(first_s, 1),
        "rerun_rows_per_s": round(n / again_s, 1), "rerun_s": round(again_s, 1),
        "created": first.created, "skipped_on_rerun": again.skipped, "errors": len(first.errors) + len(again.errors),
        "stored": stored,
    }]


def markdown(rows: list[dict]) -> str:
    lines = ["| measure | rows/s | total | rerun rows/s | rerun total | created | skipped on rerun | errors |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['measure']} | {r['rows_per_s']:,.0f} | {r['total_s']:,.1f} s | {r['rerun_rows_per_s']:,.0f} | "
                     f"{r['rerun_s']:,.1f} s | {r['created']:,} | {r['skipped_on_rerun']:,} | {r['errors']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(markdown(run(n=count)))
