"""The books as plain facts for the metric definitions (masthead.analytics.metrics).

Reads billing's subscriptions and ledger in two queries and builds SubscriptionFacts:
refunds are matched to the charge they returned by the gateway's payment reference. A
gift's ledger entries (one charge, any refunds) become GiftFacts in one more query.
"""

from __future__ import annotations

from collections import defaultdict

from masthead.analytics.metrics import Charge, GiftFacts, SubscriptionFacts
from masthead.billing.models import LedgerEntry, Subscription


def load(subscription_ids=None) -> list[SubscriptionFacts]:
    """Every subscription's life (or those given), with its charges, refunds and failures."""
    subs = Subscription.objects.all()
    entries = LedgerEntry.objects.all()
    if subscription_ids is not None:
        subs = subs.filter(pk__in=subscription_ids)
        entries = entries.filter(subscription_id__in=subscription_ids)
    rows = list(subs.values_list("pk", "plan__code", "created_at", "cancelled_at", "ended_at", "state"))
    ledger = defaultdict(list)
    for row in entries.order_by("created_at", "pk").values_list(
            "subscription_id", "kind", "amount", "plan__code", "plan__term_months", "period_start", "period_end",
            "created_at", "gateway_payment_ref"):
        ledger[row[0]].append(row)
    found = []
    for pk, plan, created_at, cancelled_at, ended_at, state in rows:
        charges, refunds, failures = [], defaultdict(list), []
        for _, kind, amount, code, months, start, end, at, ref in ledger.get(pk, ()):
            if kind == LedgerEntry.Kind.CHARGE:
                charges.append(dict(amount=amount, months=months or 1, start=start or at, end=end or at, at=at,
                                    plan=code, ref=ref))
            elif kind == LedgerEntry.Kind.REFUND:
                target = next((c for c in reversed(charges) if ref and c["ref"] == ref), charges[-1] if charges else None)
                if target is not None:
                    refunds[id(target)].append((at, amount))
            else:
                failures.append(at)
        found.append(SubscriptionFacts(
            id=pk, plan=plan, created_at=created_at,
            charges=tuple(Charge(c["amount"], c["months"], c["start"], c["end"], c["at"], c["plan"],
                                 tuple(refunds.get(id(c), ()))) for c in charges),
            failures=tuple(failures), cancelled_at=cancelled_at, ended_at=ended_at,
            refunded=state == Subscription.State.REFUNDED,
        ))
    return found


def gifts() -> list[GiftFacts]:
    """Every paid gift: its charge and refunds, under the plan given. (A failed payment is
    no revenue and no subscription: it is not counted.)"""
    charges: dict[int, tuple] = {}
    refunds: dict[int, list] = defaultdict(list)
    for gift, kind, amount, code, at in (LedgerEntry.objects.filter(gift__isnull=False, subscription__isnull=True)
                                         .order_by("created_at", "pk")
                                         .values_list("gift_id", "kind", "amount", "plan__code", "created_at")):
        if kind == LedgerEntry.Kind.CHARGE:
            charges.setdefault(gift, (code, amount, at))
        elif kind == LedgerEntry.Kind.REFUND:
            refunds[gift].append((at, amount))
    return [GiftFacts(id=gift, plan=code, amount=amount, paid_at=at, refunds=tuple(refunds.get(gift, ())))
            for gift, (code, amount, at) in charges.items()]


def details() -> dict[int, tuple]:
    """{subscription pk: (user pk, return_to)} for attribution."""
    return {pk: (user, to) for pk, user, to in Subscription.objects.values_list("pk", "user_id", "return_to")}
