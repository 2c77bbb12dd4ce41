"""E-mails to subscribers. Always sent after the transaction commits (actions call these)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.billing.offer import offer_for
from masthead.core.dates import long_date
from masthead.core.money import format_money

SUBJECTS = {
    "notice": "Your {plan} subscription renews on {date}",
    "paid": "Payment received: {plan}",
    "failed": "We could not renew your {plan} subscription",
    "cancelled": "Your {plan} subscription is cancelled",
    "resumed": "Your {plan} subscription will renew again",
    "plan_change": "Your plan changes at your next renewal",
    "refunded": "Your refund for {plan}",
    "expired": "Your {plan} subscription has ended",
    "trial": "Your {plan} free trial has started",
}


def _context(subscription, extra: dict) -> dict:
    from masthead.content.publication import current_publication

    publication = current_publication()
    plan = subscription.renewal_plan
    base = settings.MASTHEAD_PUBLIC_URL.rstrip("/")
    renews_on = subscription.current_period_end
    from masthead.billing.redemptions import renewal_amount

    next_charge, discounted = renewal_amount(subscription, plan)
    return {
        "next_charge": format_money(next_charge, plan.currency),
        "discounted": discounted,
        "publication": publication,
        "subscription": subscription,
        "plan": subscription.plan,
        "renewal_plan": plan,
        "renewal_offer": offer_for(plan),
        "renews_on": publication.local(renews_on) if renews_on else None,
        "account_url": base + "/accounts/subscription/",
        "cancel_url": base + "/accounts/subscription/cancel/",
        **extra,
    }


def send(kind: str, subscription, **extra) -> None:
    """Queue one e-mail about a subscription to go out when the current transaction commits."""
    user = subscription.user
    if user is None or not user.email:
        return
    context = _context(subscription, extra)
    subject = SUBJECTS[kind].format(plan=subscription.plan.name, date=long_date(context["renews_on"]))
    # Dates in the body are the publication's days, as on its pages.
    with timezone.override(context["publication"].zone):
        body = render_to_string(f"billing/email/{kind}.txt", context)
    from masthead.content.publication import reply_to, sender

    message = EmailMessage(subject, body, sender(), [user.email], reply_to=reply_to())
    transaction.on_commit(message.send)


GIFT_SUBJECTS = {
    "gift_bought": "Your gift of {plan} is paid",
    "gift_received": "A gift for you: {months} months of {publication}",
    "gift_refunded": "Your gift of {plan} is cancelled and refunded",
    "gift_continue": "Your gift subscription to {publication} ends on {date}",
}


def send_gift(kind: str, gift, to: str, **extra) -> None:
    """Queue one e-mail about a gift (to its buyer or its recipient) for when the transaction commits."""
    from masthead.content.publication import current_publication, reply_to, sender

    if not to:
        return
    publication = current_publication()
    base = settings.MASTHEAD_PUBLIC_URL.rstrip("/")
    context = {"publication": publication, "gift": gift, "plan": gift.plan,
               "amount": format_money(gift.amount, gift.currency), "from_name": gift.buyer_name or gift.buyer_email,
               "deliver_on": long_date(gift.deliver_on), "gift_url": base + "/gift/",
               "gifts_url": base + "/accounts/gifts/", **extra}
    subject = GIFT_SUBJECTS[kind].format(plan=gift.plan.name, months=gift.months, publication=publication.name,
                                         date=long_date(extra.get("ends_on"), publication.zone))
    with timezone.override(publication.zone):
        body = render_to_string(f"billing/email/{kind}.txt", context)
    message = EmailMessage(subject, body, sender(), [to], reply_to=reply_to())
    transaction.on_commit(message.send)
