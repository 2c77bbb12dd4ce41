"""Subscribers from another system, in and out: CSV or JSON with the same columns.

    email, name, plan, paid_through, provider, customer_id, subscription_id[, state, source]

`plan` is a Masthead plan code; `paid_through` an ISO date (midnight in the publication's
time zone) or an aware ISO date-time; `provider` a configured gateway (sandbox, razorpay,
stripe); `subscription_id` the provider's subscription id (required for providers that
renew themselves: their webhooks find the subscription by it); `customer_id` the
provider's customer, or for the sandbox the stored card token it charges renewals to;
`state` active (default) or cancelled; `source` names the system (kept on the row).

Each row is checked on its own: a bad row is reported with its line and reason and the
rest go in. A rerun is idempotent: a row whose (provider, subscription id) — or, without
one, (e-mail, plan, provider) — is already imported is skipped, so nothing is doubled.
Imported subscriptions renew where they did: Razorpay and Stripe go on charging on their
side and report by webhook (Masthead never charges them); the sandbox is charged by
`masthead renew` at `paid_through`, after the pre-debit notice, once per period by its
idempotency key. Nothing is charged at import and no ledger entry is invented.

Rows go in by batches of BATCH, each one transaction with bulk inserts (users and
subscriptions), so 100,000 rows take seconds to minutes, not hours (bench/subscribers_import.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from masthead.billing.gateways.base import gateway_class
from masthead.billing.models import Plan, Subscription
from masthead.billing.periods import add_months, publication_zone
from masthead.billing.states import State
from masthead.core import clock

COLUMNS = ["email", "name", "plan", "paid_through", "provider", "customer_id", "subscription_id", "state", "source"]
REQUIRED = ["email", "plan", "paid_through", "provider"]
BATCH = 1000
STATES = {"active": State.ACTIVE.value, "cancelled": State.CANCELLED.value}

Progress = Callable[[int, int], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV/JSON, no header, missing columns)."""


@dataclass
class RowError:
    line: int       # the CSV line (header = 1) or the JSON item (first = 1)
    email: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}" + (f" ({self.email})" if self.email else "") + f": {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    skipped: int = 0        # already imported (a rerun)
    new_accounts: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def as_line(self) -> str:
        verb = "would be imported" if self.dry_run else "imported"
        return (f"{self.rows} rows: {self.created} {verb}, {self.skipped} already there, "
                f"{len(self.errors)} with errors, {self.new_accounts} new accounts")


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    plan: Plan
    paid_through: dt.datetime
    provider: str
    customer_id: str
    subscription_id: str
    state: str
    source: str


# --- reading ----------------------------------------------------------------------------------

def read_rows(data: bytes | str, fmt: str) -> Iterator[tuple[int, dict]]:
    """(line, raw row) pairs from CSV or JSON (a list of objects, or {"subscribers": [...]})."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    if fmt == "json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"The file is not JSON: {exc.msg} at line {exc.lineno}.") from None
        items = loaded.get("subscribers") if isinstance(loaded, dict) else loaded
        if not isinstance(items, list):
            raise ImportFileError('A JSON import is a list of subscribers (or {"subscribers": [...]}).')
        for number, item in enumerate(items, 1):
            yield number, item if isinstance(item, dict) else {"_bad": "not an object"}
        return
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(f"The CSV has no {', '.join(missing)} column (it needs: {', '.join(COLUMNS[:7])}).")
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, row


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def parse_paid_through(value: str, zone=None) -> dt.datetime:
    """An ISO date (midnight, the publication's calendar) or an aware ISO date-time."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time(), tzinfo=zone or publication_zone()).astimezone(dt.timezone.utc)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"paid_through {value!r} is not a date like 2027-03-31") from None
    if moment.tzinfo is None:
        raise ValueError(f"paid_through {value!r} has a time but no time zone (add +05:30 or Z)")
    return moment.astimezone(dt.timezone.utc)


def parse_row(line: int, raw: dict, plans: dict[str, Plan], now: dt.datetime, zone=None) -> Row:
    """One checked row; ValueError with the reason otherwise."""
    if "_bad" in raw:
        raise ValueError(raw["_bad"])
    missing = [key for key in REQUIRED if not _text(raw, key)]
    if missing:
        raise ValueError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty")
    email = _text(raw, "email").lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"{email!r} is not an e-mail address") from None
    plan = plans.get(_text(raw, "plan"))
    if plan is None:
        raise ValueError(f"no plan {_text(raw, 'plan')!r} (plans: {', '.join(sorted(plans))})")
    provider = _text(raw, "provider").lower()
    cls = gateway_class(provider)
    if cls is None:
        raise ValueError(f"no provider {provider!r} (known: {', '.join(settings.MASTHEAD_BILLING_GATEWAYS)})")
    subscription_id = _text(raw, "subscription_id")
    if getattr(cls, "renews_itself", False) and not subscription_id:
        raise ValueError(f"{provider} renews subscriptions itself: its subscription_id is needed")
    customer_id = _text(raw, "customer_id")
    if not getattr(cls, "renews_itself", False) and not customer_id:
        raise ValueError(f"{provider} renewals are charged by Masthead: customer_id (the stored card token) is needed")
    paid_through = parse_paid_through(_text(raw, "paid_through"), zone)
    state = STATES.get(_text(raw, "state").lower() or "active")
    if state is None:
        raise ValueError(f"state {_text(raw, 'state')!r} is not active or cancelled")
    if paid_through <= now:
        raise ValueError("paid_through is in the past: import only subscribers who are paid up")
    return Row(line, email, _text(raw, "name")[:150], plan, paid_through, provider, customer_id[:100],
               subscription_id[:100], state, _text(raw, "source")[:60])


# --- writing ----------------------------------------------------------------------------------

def _username_for(email: str, taken: set[str]) -> str:
    base = email[:140]
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}~{n}"
    taken.add(name)
    return name


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_subscribers(data: bytes | str, fmt: str = "csv", *, dry_run: bool = False,
                       progress: Progress | None = None, source: str = "") -> ImportReport:
    """Import subscribers (see the module docstring); a dry run checks everything and writes nothing."""
    if fmt not in ("csv", "json"):
        raise ImportFileError("The format is csv or json.")
    now = clock.now()
    plans = {plan.code: plan for plan in Plan.objects.all()}
    report = ImportReport(dry_run=dry_run)
    raw_rows = list(read_rows(data, fmt))
    total = len(raw_rows)
    grace = dt.timedelta(days=settings.MASTHEAD_BILLING_GRACE_DAYS)
    unusable = make_password(None)
    zone = publication_zone()
    User = get_user_model()
    seen: set[tuple] = set()
    done = 0
    for batch in _batches(raw_rows, BATCH):
        rows: list[Row] = []
        for line, raw in batch:
            try:
                rows.append(parse_row(line, raw, plans, now, zone))
            except ValueError as exc:
                report.errors.append(RowError(line, _text(raw, "email") if isinstance(raw, dict) else "", str(exc)))
        report.rows += len(batch)
        with transaction.atomic():
            emails = {row.email for row in rows}
            users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
            by_ref = set(Subscription.objects.filter(gateway_ref__in=[r.subscription_id for r in rows if r.subscription_id])
                         .values_list("gateway", "gateway_ref"))
            holding = {}  # user id -> the plan code and provider of their subscription that still matters
            for sub in Subscription.objects.filter(user__in=users.values()).exclude(state=State.PENDING.value) \
                    .select_related("plan"):
                if sub.renews or sub.grants_access(now):
                    holding[sub.user_id] = (sub.plan.code, sub.gateway, sub.gateway_ref, sub.imported_from)
            taken = set(User.objects.filter(username__in=[r.email[:140] for r in rows]).values_list("username", flat=True))
            new_users, pending, claimed = [], [], set()
            for row in rows:
                key = (row.provider, row.subscription_id) if row.subscription_id else (row.email, row.plan.code, row.provider)
                user = users.get(row.email)
                held = holding.get(user.pk) if user is not None else None
                if (row.subscription_id and (row.provider, row.subscription_id) in by_ref) or \
                        (not row.subscription_id and held and held[:2] == (row.plan.code, row.provider) and held[3]):
                    report.skipped += 1
                    continue
                if key in seen:
                    report.errors.append(RowError(row.line, row.email, "the same subscription appears twice in the file"))
                    continue
                if held is not None or row.email in claimed:
                    report.errors.append(RowError(row.line, row.email, "this reader already has a subscription"))
                    continue
                seen.add(key)
                claimed.add(row.email)
                if user is None:
                    first, _, last = row.name.partition(" ")
                    user = User(username=_username_for(row.email, taken), email=row.email, first_name=first[:150],
                                last_name=last[:150], password=unusable, is_active=True)
                    new_users.append(user)
                    users[row.email] = user
                pending.append((row, user))
            if new_users:
                User.objects.bulk_create(new_users, batch_size=BATCH)
                report.new_accounts += len(new_users)
                if not all(u.pk for u in new_users):  # backends that return no ids from bulk inserts
                    ids = dict(User.objects.filter(email__in=[u.email for u in new_users]).values_list("email", "pk"))
                    for u in new_users:
                        u.pk = u.pk or ids[u.email]
            subs = []
            for row, user in pending:
                start = add_months(row.paid_through, -row.plan.term_months, zone)
                cancelled = row.state == State.CANCELLED.value
                subs.append(Subscription(
                    user_id=user.pk, plan=row.plan, state=row.state, gateway=row.provider,
                    gateway_ref=row.subscription_id,
                    payment_method=row.customer_id if not getattr(gateway_class(row.provider), "renews_itself", False) else "",
                    payment_method_label=f"Imported from {row.source or source or 'another system'}",
                    current_period_start=start, current_period_end=row.paid_through,
                    access_until=row.paid_through if cancelled else row.paid_through + grace,
                    cancelled_at=now if cancelled else None, imported_from=(row.source or source or "import")[:60],
                    created_at=now, updated_at=now,
                ))
            Subscription.objects.bulk_create(subs, batch_size=BATCH)
            report.created += len(subs)
            if dry_run:
                transaction.set_rollback(True)
            else:
                # Only accounts that existed before may have benefits kept in the cache.
                fresh = {id(u) for u in new_users}
                changed = [user.pk for _, user in pending if id(user) not in fresh]
                transaction.on_commit(lambda changed=changed: _readers_changed(changed))
        done += len(batch)
        if progress:
            progress(done, total)
    return report


def _readers_changed(user_ids: list[int]) -> None:
    from masthead.access.entitlements import reader_changed

    for user_id in user_ids:
        reader_changed(user_id)


# --- export -------------------------------------------------------------------------------------

def export_rows(queryset=None) -> Iterator[dict]:
    """Every subscription that still matters (renewing or paid through a future date), in the
    import's columns, so an export imports back unchanged."""
    now = clock.now()
    queryset = queryset if queryset is not None else Subscription.objects.all()
    queryset = queryset.exclude(state=State.PENDING.value).select_related("user", "plan").order_by("pk")
    for sub in queryset.iterator(chunk_size=2000):
        if not (sub.renews or sub.grants_access(now)) or sub.user is None or sub.current_period_end is None:
            continue
        yield {
            "email": sub.user.email, "name": sub.user.get_full_name(), "plan": sub.plan.code,
            "paid_through": sub.current_period_end.isoformat(), "provider": sub.gateway,
            "customer_id": sub.payment_method, "subscription_id": sub.gateway_ref,
            "state": "cancelled" if sub.state == State.CANCELLED.value else "active",
            "source": sub.imported_from or "masthead",
        }


def export_subscribers(fmt: str = "csv", queryset=None) -> str:
    rows = list(export_rows(queryset))
    if fmt == "json":
        return json.dumps({"subscribers": rows}, ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
