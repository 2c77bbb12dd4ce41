"""A reader's personal data held by this app: export and erasure (DPDP Act / GDPR)."""

from __future__ import annotations


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    """Subscriptions, payments and invoices, in plain JSON-able values."""
    from masthead.billing.models import Gift, Invoice, LedgerEntry, Subscription

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
        "gifts_given": [
            {"reference": g.reference, "plan": g.plan.name, "months": g.months, "amount_minor": g.amount,
             "recipient_email": g.recipient_email, "recipient_name": g.recipient_name, "message": g.message,
             "deliver_on": _iso(g.deliver_on), "state": g.state}
            for g in Gift.objects.filter(buyer=user).select_related("plan")
        ],
        "gifts_received": [
            {"reference": g.reference, "plan": g.plan.name, "months": g.months, "from": g.buyer_name or g.buyer_email,
             "message": g.message, "access_from": _iso(g.access_from), "access_until": _iso(g.access_until)}
            for g in Gift.objects.filter(redeemed_by=user).select_related("plan")
        ],
    }


def erase(user) -> None:
    """Stop renewals and detach the reader. Invoices and the ledger stay, as tax law requires
    (books kept for 8 years under the CGST Act), but without the reader's name or e-mail."""
    from masthead.billing import actions
    from masthead.billing.models import Gift, Invoice, Subscription
    from masthead.billing.states import State

    for sub in Subscription.objects.filter(user=user):
        if sub.state in (State.ACTIVE.value, State.PAST_DUE.value):
            actions.cancel_subscription(sub)
    Invoice.objects.filter(user=user).update(user=None, buyer_name="", buyer_email="")
    Subscription.objects.filter(user=user).update(user=None, payment_method="", payment_method_label="", return_to="")
    # A gift they gave still reaches its recipient (whose address and message stay); a gift
    # they redeemed ends with their account and keeps nothing about them.
    Gift.objects.filter(buyer=user).update(buyer=None, buyer_name="", buyer_email="")
    Gift.objects.filter(redeemed_by=user).update(redeemed_by=None, recipient_name="", recipient_email="", message="")
