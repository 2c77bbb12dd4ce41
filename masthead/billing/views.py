"""Reader-facing billing pages: the offer, checkout, the return from the gateway, the account page.

Access is granted only by billing.actions.confirm_payment with a payment the gateway
signed (or that Masthead fetched from the provider's API); nothing a browser sends
on its own word changes a subscription.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from masthead.access.entitlements import holdings
from masthead.access.network import client_ip
from masthead.billing import actions, redemptions
from masthead.billing.gateways.base import GatewayError, InvalidSignature, get_gateway, is_configured
from masthead.billing.gst import STATE_CHOICES, BuyerTaxDetails, InvalidTaxDetails, state_label
from masthead.billing.models import Gift, Invoice, LedgerEntry, Plan, Subscription
from masthead.billing.offer import offer_for, visible_offers
from masthead.billing.states import State
from masthead.core import clock
from masthead.core.dates import long_date

DEFAULT_NEXT = "/accounts/subscription/"
# The checkouts this browser session started: a sandbox payment link works only here
# (or for the signed-in reader who started it).
SESSION_CHECKOUTS = "billing_checkouts"


def remember_checkout(request, reference: str) -> None:
    started = [ref for ref in request.session.get(SESSION_CHECKOUTS, []) if ref != reference]
    request.session[SESSION_CHECKOUTS] = [*started[-4:], reference]


def started_here(request, sub) -> bool:
    """True when this request comes from the reader, or the browser session, that started the
    checkout (a subscription's, or a gift's: its buyer)."""
    owner_id = sub.buyer_id if isinstance(sub, Gift) else sub.user_id
    if request.user.is_authenticated and owner_id == request.user.pk:
        return True
    return sub.reference in request.session.get(SESSION_CHECKOUTS, [])


def safe_next(request, value: str | None, default: str = DEFAULT_NEXT) -> str:
    """A local URL to send the reader back to; anything else becomes the default."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return default


def _offer_from(request, code: str):
    """The offer behind a code the reader typed or followed; None (and a message) if unusable."""
    if not code:
        return None
    offer = redemptions.find(code)
    if offer is None:
        messages.error(request, "That offer code is not valid. These are our usual prices.")
        return None
    if offer.expires_at is not None and offer.expires_at <= clock.now():
        messages.error(request, "That offer has ended. These are our usual prices.")
        return None
    return offer


def subscribe(request):
    """GET /subscribe/: the plans, each with a button to check out; `?offer=CODE` shows them
    at that offer's price (on the plans it applies to)."""
    next_url = safe_next(request, request.GET.get("next"), "")
    chosen = request.GET.get("plan", "")
    code = request.GET.get("offer", "").strip()
    if chosen and Plan.objects.filter(code=chosen, is_active=True, is_visible=True).exists():
        # Chosen on the paywall already: straight on to checkout (which asks to log in first).
        query = {"plan": chosen, **({"offer": code} if code else {}), **({"next": next_url} if next_url else {})}
        return redirect(reverse("billing:checkout") + "?" + urlencode(query))
    offer = _offer_from(request, code)
    return render(request, "billing/subscribe.html", {
        "offers": visible_offers(offer=offer) if offer else visible_offers(),
        "code": offer.code if offer else "",
        "chosen": chosen,
        "next": next_url,
        "current": actions.current_subscription(request.user),
    })


def already_held(request, plan) -> list:
    """The reader's other access (group, grant) that already opens some of the plan's benefits,
    each with only those benefits: checkout warns before they pay for them again."""
    wanted = plan.benefit_set()
    found = []
    for holding in holdings(request.user, ip=client_ip(request)):
        overlap = holding.benefits & wanted
        if holding.kind != "subscription" and overlap:
            found.append(dataclasses.replace(holding, benefits=overlap))
    return found


@require_http_methods(["GET", "POST"])
def checkout(request):
    """GET shows the order summary; POST starts the payment at the gateway."""
    source = request.POST if request.method == "POST" else request.GET
    plan = Plan.objects.filter(code=source.get("plan", ""), is_active=True).first()
    next_url = safe_next(request, source.get("next"), "")
    if plan is None:
        messages.error(request, "Please choose a plan.")
        return redirect(reverse("billing:subscribe") + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    if not request.user.is_authenticated:
        code = source.get("offer", "").strip()
        query = urlencode({"plan": plan.code, **({"offer": code} if code else {}), **({"next": next_url} if next_url else {})})
        return redirect_to_login(reverse("billing:checkout") + "?" + query)
    current = actions.current_subscription(request.user)
    if current is not None:
        messages.info(request, "You already have a subscription.")
        return redirect("billing:account")
    already = already_held(request, plan)
    code = source.get("offer", "").strip()
    offer, offer_error = None, ""
    if code:
        try:
            offer = redemptions.check(redemptions.find(code), request.user, plan)
        except redemptions.OfferRefused as exc:
            offer_error = str(exc)
    page = {"offer": offer, "code": code, "offer_error": offer_error}
    if request.method == "GET":
        return _checkout_page(request, plan, next_url, failed=request.GET.get("failed") == "1", already=already,
                              **page)
    if offer_error:
        return _checkout_page(request, plan, next_url, already=already, status=400, **page)
    if already and request.POST.get("already_have") != "yes":
        # They already have some of this: they go on only with the box ticked.
        return _checkout_page(request, plan, next_url, already=already, must_confirm=True, status=400, **page)
    try:
        buyer = BuyerTaxDetails.from_form(request.POST.get("gstin", ""), request.POST.get("state", ""))
    except InvalidTaxDetails as exc:
        return _checkout_page(request, plan, next_url, tax_error=str(exc), already=already, status=400, **page)
    if not is_configured(settings.MASTHEAD_BILLING_GATEWAY):
        messages.error(request, "Payments are not available at the moment. Please try again later.")
        return redirect(reverse("billing:checkout") + "?" + urlencode({"plan": plan.code, "next": next_url}))
    gateway = get_gateway()
    cancel_url = request.build_absolute_uri(reverse("billing:checkout") + "?" + urlencode({"plan": plan.code, "next": next_url}))
    try:
        sub, start = actions.start_checkout(
            request.user, plan,
            return_url=request.build_absolute_uri(reverse("billing:checkout_return", args=[gateway.name])),
            cancel_url=cancel_url, return_to=next_url, gateway=gateway, buyer=buyer, offer=offer,
        )
    except (actions.BillingError, GatewayError) as exc:
        messages.error(request, str(exc))
        return redirect(reverse("billing:checkout") + "?" + urlencode(
            {"plan": plan.code, "next": next_url, **({"offer": code} if code and offer else {})}))
    remember_checkout(request, sub.reference)
    return redirect(start.redirect_url)


def _checkout_page(request, plan: Plan, next_url: str, *, failed: bool = False, tax_error: str = "",
                   already=(), must_confirm: bool = False, status: int = 200, offer=None, code: str = "",
                   offer_error: str = ""):
    return render(request, "billing/checkout.html", {
        "plan": plan, "offer": offer_for(plan, offer=offer), "next": next_url, "failed": failed,
        "code": offer.code if offer else code, "offer_error": offer_error,
        "states": STATE_CHOICES, "tax_error": tax_error,
        "gstin": request.POST.get("gstin", ""), "state": request.POST.get("state", ""),
        "already": already, "must_confirm": must_confirm,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def checkout_return(request, gateway: str):
    """The reader is back from the gateway. Only a signature-checked confirmation counts, and
    only for the reader's own checkout; a decline changes nothing but that checkout."""
    params = {**request.GET.dict(), **request.POST.dict()}
    try:
        payment = get_gateway(gateway).confirm(params)
    except InvalidSignature:
        messages.error(request, "We could not confirm that payment. If money was taken, it will show up shortly.")
        return redirect("billing:subscribe")
    except GatewayError as exc:
        messages.error(request, str(exc))
        return redirect("billing:subscribe")
    lookup = {"reference": payment.subscription_ref} if payment.subscription_ref else {"gateway_ref": payment.gateway_ref}
    sub = Subscription.objects.filter(user=request.user, **lookup).first()
    if sub is None:
        raise Http404("No such checkout")
    if not payment.succeeded and sub.state != State.PENDING.value:
        messages.error(request, "That checkout is already closed; nothing has changed.")
        return redirect("billing:account")
    sub = actions.confirm_payment(gateway, payment)
    sub.refresh_from_db()
    if payment.succeeded and sub.state in (State.ACTIVE.value, State.CANCELLED.value):
        messages.success(request, f"Welcome! Your {sub.plan.name} subscription is active.")
        return redirect(safe_next(request, sub.return_to))
    messages.error(request, (payment.failure_reason or "The payment did not go through. No money was taken.")
                   + " You can try again.")
    return redirect(reverse("billing:checkout") + "?" + urlencode(
        {"plan": sub.plan.code, "failed": "1", **({"next": sub.return_to} if sub.return_to else {}),
         **({"offer": sub.offer.code} if sub.offer_id else {})}))


# --- the reader's account page ---------------------------------------------------------

@login_required
def account(request):
    """GET /accounts/subscription/: plan, status, renewal, actions, payments and invoices."""
    sub = actions.current_subscription(request.user)
    latest = sub or request.user.subscriptions.exclude(state=State.PENDING.value).select_related("plan").first()
    other_plans = [offer_for(p) for p in Plan.objects.filter(is_active=True, is_visible=True)
                   if latest and p.pk != latest.renewal_plan.pk]
    return render(request, "billing/account.html", {
        "sub": latest,
        "renewing": bool(sub and sub.state in (State.ACTIVE.value, State.PAST_DUE.value)),
        "can_resume": bool(latest and latest.state == State.CANCELLED.value and latest.current_period_end
                           and latest.current_period_end > clock.now()),
        "can_change": bool(latest and actions.can_change_plan(latest)),
        "renewal_offer": offer_for(latest.renewal_plan) if latest else None,
        "other_plans": other_plans,
        "payments": LedgerEntry.objects.filter(subscription__user=request.user).select_related("plan").order_by("-created_at"),
        "invoices": Invoice.objects.filter(user=request.user),
        "other_holdings": [h for h in holdings(request.user, ip=client_ip(request)) if h.kind != "subscription"],
    })


def _own_subscription(request) -> Subscription:
    sub = actions.current_subscription(request.user)
    if sub is None:
        raise Http404("No subscription")
    return sub


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request):
    """GET asks for confirmation; POST cancels at period end."""
    sub = _own_subscription(request)
    if request.method == "GET":
        retention = actions.retention_offer_for(sub)
        if retention is not None:
            actions.mark_retention_offered(sub)  # offered once
        return render(request, "billing/cancel.html", {
            "sub": sub, "retention": retention,
            "retention_line": offer_for(sub.renewal_plan, offer=retention).offer_line if retention else "",
        })
    if request.POST.get("stay_with_offer"):
        offer = redemptions.find(request.POST["stay_with_offer"])
        try:
            if offer is None:
                raise actions.BillingError("That offer is not available for your subscription.")
            actions.accept_retention_offer(sub, offer)
        except actions.BillingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Thank you for staying. {offer_for(sub.renewal_plan, offer=offer).offer_line} "
                                      "from your next renewal.")
        return redirect("billing:account")
    try:
        sub = actions.cancel_subscription(sub)
    except (actions.BillingError, GatewayError) as exc:
        messages.error(request, str(exc))
    else:
        until = sub.access_until
        messages.success(request, "Your subscription is cancelled and will not renew."
                         + (f" You keep access until {long_date(until, _zone())}." if until else ""))
    return redirect("billing:account")


@login_required
@require_POST
def resume(request):
    sub = _own_subscription(request)
    try:
        actions.resume_subscription(sub)
    except (actions.BillingError, GatewayError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your subscription will renew automatically again.")
    return redirect("billing:account")


@login_required
@require_POST
def change_plan(request):
    sub = _own_subscription(request)
    plan = get_object_or_404(Plan, code=request.POST.get("plan", ""), is_active=True)
    try:
        actions.change_plan(sub, plan)
    except (actions.BillingError, GatewayError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"From your next renewal your plan will be {offer_for(plan).name}.")
    return redirect("billing:account")


def _zone():
    from masthead.billing.periods import publication_zone

    return publication_zone()


def _invoice_for(request, pk: int) -> Invoice:
    invoice = get_object_or_404(Invoice.objects.select_related("payment", "subscription__plan"), pk=pk)
    if invoice.user_id != request.user.pk and not request.user.is_staff:
        raise Http404("No such invoice")
    return invoice


@login_required
def invoice(request, pk: int):
    document = _invoice_for(request, pk)
    return render(request, "billing/invoice.html", {"invoice": document,
                                                    "place_of_supply": state_label(document.buyer_state)})


@login_required
def invoice_pdf(request, pk: int):
    from masthead.billing.pdf import invoice_pdf as render_pdf

    document = _invoice_for(request, pk)
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{document.number.replace("/", "-")}.pdf"'
    return response
