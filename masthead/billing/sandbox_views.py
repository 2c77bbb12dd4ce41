"""The sandbox gateway's hosted checkout page (TEST MODE), served by Masthead itself.

It stands where a provider's page would: it takes a test card, records the outcome
in the sandbox's own books, signs and sends the webhook, and sends the reader back
to Masthead with a signed confirmation.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from masthead.billing.gateways.base import InvalidSignature
from masthead.billing.gateways.sandbox import (
    DECLINED,
    NEEDS_AUTHENTICATION,
    SUCCEEDS,
    TEST_CARDS,
    TEST_OTP,
    SandboxGateway,
    normalise_card,
)
from masthead.billing.offer import format_money, term_label

_AUTH_SALT = "masthead.billing.sandbox.authenticate"


def _checkout(token: str):
    gateway = SandboxGateway()
    try:
        return gateway, gateway.read_checkout(token)
    except InvalidSignature:
        return gateway, None


def _context(checkout: dict, **extra) -> dict:
    return {
        "checkout": checkout,
        "amount": format_money(checkout["amount"], checkout["currency"]),
        "term": term_label(checkout["months"]),
        "cards": [(f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}", label) for n, label in TEST_CARDS.items()],
        **extra,
    }


@require_http_methods(["GET", "POST"])
def checkout(request, token: str):
    gateway, data = _checkout(token)
    if data is None:
        return HttpResponseBadRequest("This test checkout link is not valid.")
    if request.method == "GET":
        return render(request, "billing/sandbox/checkout.html", _context(data, token=token))
    card = normalise_card(request.POST.get("card_number", ""))
    if card not in TEST_CARDS:
        return render(request, "billing/sandbox/checkout.html",
                      _context(data, token=token, error="Use one of the test cards listed below."), status=400)
    if card == NEEDS_AUTHENTICATION:
        step = signing.dumps({"card": card}, key=gateway.secret, salt=_AUTH_SALT)
        return redirect(reverse("billing:sandbox_authenticate", args=[token]) + "?step=" + step)
    payment, return_url = gateway.pay(data, card)
    return redirect(return_url)


@require_http_methods(["GET", "POST"])
def authenticate(request, token: str):
    """The extra authentication step (like 3-D Secure or an OTP from the bank)."""
    gateway, data = _checkout(token)
    step = request.GET.get("step") or request.POST.get("step", "")
    try:
        signing.loads(step, key=gateway.secret, salt=_AUTH_SALT, max_age=900)
    except signing.BadSignature:
        data = None
    if data is None:
        return HttpResponseBadRequest("This test checkout link is not valid.")
    if request.method == "GET":
        return render(request, "billing/sandbox/authenticate.html", _context(data, token=token, step=step))
    if request.POST.get("action") == "fail":
        payment, return_url = gateway.pay(data, DECLINED)
        return redirect(return_url)
    if request.POST.get("otp", "").strip() != TEST_OTP:
        return render(request, "billing/sandbox/authenticate.html",
                      _context(data, token=token, step=step, error="That code is not right. The test code is 123456."),
                      status=400)
    payment, return_url = gateway.pay(data, SUCCEEDS)
    return redirect(return_url)
