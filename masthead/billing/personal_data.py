"""A reader's personal data held by this app: export and erasure (DPDP Act / GDPR)."""

from __future__ import annotations


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    """Subscriptions, payments and invoices, in plain JSON-able values."""
    from masthead.billing.models import Invoice, LedgerEntry, Subscription

    subs = Subscription.objects.filter(user=user).select_related("plan")
    return {
        "subscriptions": [
            {"reference": s.reference, "plan": s.plan.name, "state": s.state, "gateway": s.gateway,
             "payment_method": s.payment_method_label, "started": _iso(s.created_at),
             "paid_through": _iso(s.current_period_end), "cancelled_at": _iso(s.cancelled_at)}
            for s in subs
        ],
        "payments": [
            {"date": _iso(e.created_at), "kind": e.kind, "amount_minor": e.amount, "currency": e.currency,
             "plan": e.plan.name, "gateway_reference": e.gateway_payment_ref}
            for e in LedgerEntry.objects.filter(subscription__user=user).select_related("plan")
        ],
        "invoices": [
            {"number": i.number, "issued": _iso(i.issued_at), "total_minor": i.total, "currency": i.currency,
             "buyer_name": i.buyer_name, "buyer_email": i.buyer_email, "buyer_gstin": i.buyer_gstin,
             "place_of_supply": i.buyer_state}
            for i in Invoice.objects.filter(user=user)
        ],
    }


def erase(user) -> None:
    """Stop renewals and detach the reader. Invoices and the ledger stay, as tax law requires
    (books kept for 8 years under the CGST Act), but without the reader's name or e-mail."""
    from masthead.billing import actions
    from masthead.billing.models import Invoice, Subscription
    from masthead.billing.states import State

    for sub in Subscription.objects.filter(user=user):
        if sub.state in (State.ACTIVE.value, State.PAST_DUE.value):
            actions.cancel_subscription(sub)
    Invoice.objects.filter(user=user).update(user=None, buyer_name="", buyer_email="")
    Subscription.objects.filter(user=user).update(user=None, payment_method="", payment_method_label="", return_to="")
