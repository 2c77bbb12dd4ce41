"""Partner access codes: the pool, allocation to one reader each, CSV upload."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from masthead.accounts.models import PartnerCode
from masthead.core import clock
from masthead.core.dates import long_date
from masthead.core.db import is_unique_violation, vendor
from masthead.content.publication import current_publication


class PoolEmpty(Exception):
    """No unclaimed, unexpired code is left to hand out."""


def _today() -> dt.date:
    return clock.now().astimezone(current_publication().zone).date()


def claimed_code(user) -> PartnerCode | None:
    return PartnerCode.objects.filter(claimed_by=user).first()


def claim(user, *, attempts: int = 5) -> PartnerCode:
    """Hand the reader one code, or the one they already hold. Never one code to two readers.

    On PostgreSQL concurrent claimers each lock a different free row (SKIP LOCKED); on
    SQLite the IMMEDIATE transaction serialises them. The conditional UPDATE refuses a
    code someone else took, and the unique constraint on claimed_by refuses a second
    code to the same reader whatever happens.
    """
    for _ in range(attempts):
        held = claimed_code(user)
        if held is not None:
            return held
        try:
            with transaction.atomic():
                free = PartnerCode.objects.filter(claimed_by__isnull=True, expires_on__gte=_today()).order_by(
                    "expires_on", "id"
                )
                if vendor() == "postgresql":
                    free = free.select_for_update(skip_locked=True)
                code = free.first()
                if code is None:
                    raise PoolEmpty
                now = clock.now()
                taken = PartnerCode.objects.filter(pk=code.pk, claimed_by__isnull=True).update(
                    claimed_by=user, claimed_at=now
                )
                if taken:
                    code.claimed_by, code.claimed_at = user, now
                    return code
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            # The same reader claimed in parallel: the loop returns the code they hold.
    held = claimed_code(user)
    if held is None:
        raise PoolEmpty
    return held


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def import_csv(data: bytes | str) -> ImportReport:
    """Import rows "partner,code,expires_on" (YYYY-MM-DD); good rows go in, bad ones are reported.

    A header row naming the columns is optional. Codes already in the pool, repeated in
    the file, or already expired are refused with their line number.
    """
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    report = ImportReport()
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [c.strip().lower() for c in rows[0][:3]] == ["partner", "code", "expires_on"]:
        rows = [None, *rows[1:]]  # keep line numbers
    today = _today()
    seen: set[tuple[str, str]] = set()
    candidates: list[tuple[int, PartnerCode]] = []
    for number, row in enumerate(rows, start=1):
        if row is None or not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            report.errors.append(f"Line {number}: expected 3 columns (partner, code, expires_on), found {len(row)}.")
            continue
        partner, code, expires = (cell.strip() for cell in row)
        if not partner or not code:
            report.errors.append(f"Line {number}: partner and code are both needed.")
            continue
        if len(partner) > 100 or len(code) > 100:
            report.errors.append(f"Line {number}: partner or code longer than 100 characters.")
            continue
        try:
            expires_on = dt.date.fromisoformat(expires)
        except ValueError:
            report.errors.append(f"Line {number}: expiry {expires!r} is not a date like 2027-03-31.")
            continue
        if expires_on < today:
            report.errors.append(f"Line {number}: code {code} expired on {long_date(expires_on)}.")
            continue
        if (partner, code) in seen:
            report.errors.append(f"Line {number}: code {code} appears twice in the file.")
            continue
        seen.add((partner, code))
        candidates.append((number, PartnerCode(partner=partner, code=code, expires_on=expires_on)))
    existing = set()
    for partner in {c.partner for _, c in candidates}:
        existing |= {
            (partner, code)
            for code in PartnerCode.objects.filter(
                partner=partner, code__in=[c.code for _, c in candidates if c.partner == partner]
            ).values_list("code", flat=True)
        }
    now = clock.now()
    fresh = []
    for number, code in candidates:
        if (code.partner, code.code) in existing:
            report.errors.append(f"Line {number}: code {code.code} is already in the pool.")
            continue
        code.uploaded_at = now
        fresh.append(code)
    with transaction.atomic():
        PartnerCode.objects.bulk_create(fresh, batch_size=500)
    report.imported = len(fresh)
    return report


@dataclass(frozen=True)
class PoolLevel:
    partner: str
    available: int
    claimed: int
    low: bool


def pool_levels() -> list[PoolLevel]:
    """Unclaimed unexpired codes per partner, with the low-pool warning flag."""
    threshold = int(settings.MASTHEAD_PARTNER_POOL_LOW)
    today = _today()
    rows = (
        PartnerCode.objects.values("partner")
        .annotate(
            available=Count("id", filter=Q(claimed_by__isnull=True, expires_on__gte=today)),
            claimed=Count("id", filter=Q(claimed_by__isnull=False)),
        )
        .order_by("partner")
    )
    return [
        PoolLevel(r["partner"], r["available"], r["claimed"], r["available"] < threshold) for r in rows
    ]
