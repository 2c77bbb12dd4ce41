"""The sandbox gateway's hosted checkout page (TEST MODE), served by Masthead itself.

It stands where a provider's page would: it takes a test card, records the outcome
in the sandbox's own books, signs and sends the webhook, and sends the reader back
to Masthead with a signed confirmation.

A checkout link pays once, for the reader who started it: the signed-in account that
owns the checkout or the browser session that opened it, and only while its payment
is pending. Anyone else gets 403; a link already paid or declined gets 410.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from masthead.billing.gateways.base import GatewayError, InvalidSignature
from masthead.billing.gateways.sandbox import (
    NEEDS_AUTHENTICATION,
    TEST_CARDS,
    TEST_OTP,
    SandboxGateway,
    normalise_card,
)
from masthead.billing.models import Gift, Subscription
from masthead.billing.offer import format_money, term_label
from masthead.billing.states import State
from masthead.billing.views import started_here

_AUTH_SALT = "masthead.billing.sandbox.authenticate"
OTP_TRIES = 3
WRONG_OTP = "The one-time password was wrong 3 times, so your bank refused the payment. No money was taken."
AUTHENTICATION_FAILED = "The payment was not authenticated at your bank. No money was taken."


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _open_checkout(request, token: str) -> tuple[SandboxGateway, dict]:
    """The checkout behind a link, if this reader may pay it now; otherwise _Refused."""
    gateway = SandboxGateway()
    try:
        data = gateway.read_checkout(token)
    except InvalidSignature:
        raise _Refused(HttpResponseBadRequest("This test checkout link is not valid."))
    # A checkout pays a subscription's first period, or a gift (a one-time payment).
    sub = (Gift if data.get("one_time") else Subscription).objects.filter(reference=data["ref"]).first()
    if sub is None or not started_here(request, sub):
        raise _Refused(HttpResponseForbidden(
            "This test checkout belongs to another reader. Sign in, or start your own from the plans page."))
    if sub.state != State.PENDING.value or gateway.store.checkout_used(sub.reference):
        raise _Refused(HttpResponse("This test checkout has already been paid or declined. "
                                    "Start a new one from the plans page.", status=410, content_type="text/plain"))
    return gateway, data


def _context(checkout: dict, **extra) -> dict:
    return {
        "checkout": checkout,
        "amount": format_money(checkout["amount"], checkout["currency"]),
        "term": term_label(checkout["months"]),
        "trial_days": checkout.get("trial_days") or 0,
        "offer": checkout.get("offer") or "",
        "list_price": format_money(checkout.get("list") or checkout["amount"], checkout["currency"]),
        "cards": [(f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}", label) for n, label in TEST_CARDS.items()],
        **extra,
    }


def _pay(request, gateway: SandboxGateway, data: dict, card: str, **outcome):
    try:
        _, return_url = gateway.pay(data, card, **outcome)
    except GatewayError as exc:  # a second attempt raced this one and won
        return HttpResponse(str(exc), status=410, content_type="text/plain")
    return redirect(return_url)


@require_http_methods(["GET", "POST"])
def checkout(request, token: str):
    try:
        gateway, data = _open_checkout(request, token)
    except _Refused as refused:
        return refused.response
    if request.method == "GET":
        return render(request, "billing/sandbox/checkout.html", _context(data, token=token))
    card = normalise_card(request.POST.get("card_number", ""))
    if card not in TEST_CARDS:
        return render(request, "billing/sandbox/checkout.html",
                      _context(data, token=token, error="Use one of the test cards listed below."), status=400)
    if card == NEEDS_AUTHENTICATION:
        step = signing.dumps({"card": card, "tries": 0}, key=gateway.secret, salt=_AUTH_SALT)
        return redirect(reverse("billing:sandbox_authenticate", args=[token]) + "?step=" + step)
    return _pay(request, gateway, data, card)


@require_http_methods(["GET", "POST"])
def authenticate(request, token: str):
    """The extra authentication step (like 3-D Secure or an OTP from the bank).

    The right code pays with the card that asked for it; a wrong one can be tried again,
    and the third wrong code, or "Fail authentication", declines the payment saying why.
    """
    try:
        gateway, data = _open_checkout(request, token)
    except _Refused as refused:
        return refused.response
    step = request.POST.get("step", "") if request.method == "POST" else request.GET.get("step", "")
    try:
        state = signing.loads(step, key=gateway.secret, salt=_AUTH_SALT, max_age=900)
    except signing.BadSignature:
        return HttpResponseBadRequest("This test checkout link is not valid.")
    card = state.get("card", NEEDS_AUTHENTICATION)
    if request.method == "GET":
        return render(request, "billing/sandbox/authenticate.html", _context(data, token=token, step=step))
    if request.POST.get("action") == "fail":
        return _pay(request, gateway, data, card, failure_reason=AUTHENTICATION_FAILED)
    if request.POST.get("otp", "").strip() == TEST_OTP:
        return _pay(request, gateway, data, card, authenticated=True)
    tries = int(state.get("tries", 0)) + 1
    if tries >= OTP_TRIES:
        return _pay(request, gateway, data, card, failure_reason=WRONG_OTP)
    step = signing.dumps({"card": card, "tries": tries}, key=gateway.secret, salt=_AUTH_SALT)
    left = OTP_TRIES - tries
    error = (f"That one-time password is not right ({left} {'try' if left == 1 else 'tries'} left). "
             f"The test code is {TEST_OTP}.")
    return render(request, "billing/sandbox/authenticate.html",
                  _context(data, token=token, step=step, error=error), status=400)
