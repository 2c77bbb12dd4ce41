"""Gift subscriptions on the site: buy one (/gift/), come back from paying, redeem one, list them.

Only a signature-checked confirmation from the gateway marks a gift paid (billing.gifts);
a redemption link is signed and redeems once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from masthead.billing import gifts
from masthead.billing.gateways.base import GatewayError, InvalidSignature, get_gateway, is_configured
from masthead.billing.models import Gift, Plan
from masthead.billing.offer import term_label
from masthead.billing.views import remember_checkout, started_here
from masthead.core import clock
from masthead.core.money import format_money


def _choices():
    """Every visible plan with the price of each gift length."""
    return [(plan, [(months, format_money(gifts.price_of(plan, months), plan.currency)) for months in Gift.MONTHS])
            for plan in Plan.objects.filter(is_active=True, is_visible=True)]


def _form_page(request, *, error: str = "", status: int = 200):
    source = request.POST if request.method == "POST" else request.GET
    user = request.user if request.user.is_authenticated else None
    return render(request, "billing/gift.html", {
        "choices": _choices(), "error": error, "months_choices": Gift.MONTHS,
        "chosen_plan": source.get("plan", ""), "chosen_months": source.get("months", "12"),
        "recipient_email": source.get("recipient_email", ""), "recipient_name": source.get("recipient_name", ""),
        "message": source.get("message", ""),
        "deliver_on": source.get("deliver_on", "") or gifts.local_today().isoformat(),
        "today": gifts.local_today().isoformat(),
        "buyer_email": source.get("buyer_email", "") or (user.email if user else ""),
        "buyer_name": source.get("buyer_name", "") or (user.get_full_name() if user else ""),
        "message_limit": gifts.MESSAGE_LIMIT,
    }, status=status)


@require_http_methods(["GET", "POST"])
def buy_gift(request):
    """GET /gift/: the gift form; POST starts the one-time payment at the gateway."""
    if request.method == "GET":
        return _form_page(request)
    plan = Plan.objects.filter(code=request.POST.get("plan", ""), is_active=True, is_visible=True).first()
    if plan is None:
        return _form_page(request, error="Please choose a plan.", status=400)
    try:
        months = int(request.POST.get("months", ""))
        deliver_on = dt.date.fromisoformat(request.POST.get("deliver_on", "").strip())
    except ValueError:
        return _form_page(request, error="Please choose how many months and a delivery date.", status=400)
    order = gifts.GiftOrder(
        plan=plan, months=months, recipient_email=request.POST.get("recipient_email", "").strip(),
        recipient_name=request.POST.get("recipient_name", "").strip(), message=request.POST.get("message", "").strip(),
        deliver_on=deliver_on, buyer_email=request.POST.get("buyer_email", "").strip()
        or (request.user.email if request.user.is_authenticated else ""),
        buyer_name=request.POST.get("buyer_name", "").strip(),
    )
    if not is_configured(settings.MASTHEAD_BILLING_GATEWAY):
        return _form_page(request, error="Payments are not available at the moment. Please try again later.",
                          status=503)
    gateway = get_gateway()
    try:
        gift, start = gifts.start_purchase(
            order, request.user, gateway=gateway,
            return_url=request.build_absolute_uri(reverse("billing:gift_return", args=[gateway.name])),
            cancel_url=request.build_absolute_uri(reverse("billing:buy_gift")),
        )
    except gifts.GiftRefused as exc:
        return _form_page(request, error=str(exc), status=400)
    except GatewayError as exc:
        return _form_page(request, error=str(exc), status=502)
    remember_checkout(request, gift.reference)
    return redirect(start.redirect_url)


@require_http_methods(["GET", "POST"])
def gift_return(request, gateway: str):
    """The buyer is back from paying. Only a signed confirmation counts, for their own checkout."""
    params = {**request.GET.dict(), **request.POST.dict()}
    try:
        payment = get_gateway(gateway).confirm(params)
    except (InvalidSignature, GatewayError):
        messages.error(request, "We could not confirm that payment. If money was taken, it will show up shortly.")
        return redirect("billing:buy_gift")
    gift = Gift.objects.filter(reference=payment.subscription_ref).first() if payment.subscription_ref else \
        Gift.objects.filter(gateway_ref=payment.gateway_ref).first()
    if gift is None or not started_here(request, gift):
        raise Http404("No such gift")
    gift = gifts.confirm_payment(gateway, payment)
    if gift.state in (Gift.State.PAID, Gift.State.SENT):
        return render(request, "billing/gift_paid.html", {"gift": gift, "term": term_label(gift.months)})
    messages.error(request, (payment.failure_reason or "The payment did not go through. No money was taken.")
                   + " You can try again.")
    return redirect(reverse("billing:buy_gift") + "?" + urlencode({"plan": gift.plan.code, "months": gift.months}))


@require_http_methods(["GET", "POST"])
def redeem_gift(request, token: str):
    """GET shows the gift (and sign-in/sign-up links to a stranger); POST redeems it to this account."""
    gift = gifts.gift_from_token(token)
    if gift is None or gift.state in (Gift.State.PENDING, Gift.State.FAILED):
        raise Http404("No such gift")
    if request.method == "POST":
        try:
            gift = gifts.redeem(gift, request.user)
        except gifts.GiftRefused as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        zone = _zone()
        messages.success(request, f"Your gift is redeemed: {gift.plan.name} from "
                                  f"{gift.access_from.astimezone(zone):%-d %B %Y} to "
                                  f"{gift.access_until.astimezone(zone):%-d %B %Y}. It does not renew.")
        return redirect("billing:gifts")
    here = urlencode({"next": request.path})
    return render(request, "billing/gift_redeem.html", {
        "gift": gift, "term": term_label(gift.months), "login_url": f"{settings.LOGIN_URL}?{here}",
        "signup_url": f"/accounts/signup/?{here}", "now": clock.now(),
    })


@login_required
def my_gifts(request):
    """GET /accounts/gifts/: the gifts this reader bought and the ones they redeemed."""
    return render(request, "billing/gifts.html", {
        "bought": Gift.objects.filter(buyer=request.user).exclude(state=Gift.State.PENDING).select_related("plan"),
        "received": Gift.objects.filter(redeemed_by=request.user).select_related("plan"),
    })


def _zone():
    from masthead.billing.periods import publication_zone

    return publication_zone()
