"""The reader's account pages: home with devices and partner code, data rights, privacy."""

from __future__ import annotations

import json

from allauth.account import views as account_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masthead.access import benefits as registry
from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_request, holdings
from masthead.access.network import client_ip
from masthead.accounts import data_rights, devices, partner
from masthead.accounts.models import Device
from masthead.core import clock, throttle


@login_required
def home(request):
    """Account home: e-mail, subscription link, benefits, devices, partner code, data."""
    benefits = for_request(request)
    current_key = request.session.session_key
    listed = devices.live_devices(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "devices": listed,
            "current_key": current_key,
            "others": [d for d in listed if d.session_key != current_key],
            "benefits": registry.in_order(benefits),
            "holdings": holdings(request.user, ip=client_ip(request)),
            "has_ad_free": Benefit.AD_FREE in benefits,
            "partner_entitled": Benefit.PARTNER in benefits,
            "partner_code": partner.claimed_code(request.user),
            "device_limit": settings.MASTHEAD_DEVICE_LIMIT,
        },
    )


@login_required
@require_POST
def sign_out_device(request, device_id: int):
    device = Device.objects.filter(pk=device_id, user=request.user).first()
    if device is None:
        raise Http404("No such device")
    if device.session_key == request.session.session_key:
        return redirect("account_logout")
    name = device.name
    devices.sign_out(device)
    messages.success(request, f"Signed out {name}.")
    return redirect("accounts:home")


@login_required
@require_POST
def sign_out_others(request):
    count = devices.sign_out_others(request.user, keep=request.session.session_key)
    messages.success(request, f"Signed out {count} other device{'s' if count != 1 else ''}.")
    return redirect("accounts:home")


@login_required
@require_POST
def claim_partner_code(request):
    if Benefit.PARTNER not in for_request(request):
        messages.error(request, "Partner access comes with a subscription.")
        return redirect("accounts:home")
    try:
        code = partner.claim(request.user)
    except partner.PoolEmpty:
        messages.error(request, "All partner codes have been handed out for now; please try again tomorrow.")
    else:
        messages.success(request, f"Your code for {code.partner} is {code.code}.")
    return redirect("accounts:home")


@login_required
def data(request):
    """Download your data, or delete your account."""
    return render(request, "accounts/data.html", {"has_password": request.user.has_usable_password()})


@login_required
def export(request):
    payload = data_rights.export_all(request.user)
    response = HttpResponse(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate(clock.now()).isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def send_deletion_code(request):
    if throttle.attempt(request, "deletion_code", user=request.user) is None:
        return render(request, "429.html", status=429)
    data_rights.send_deletion_code(request)
    messages.info(request, f"We sent a code to {request.user.email}. Enter it below to delete your account.")
    return redirect("accounts:data")


@login_required
@require_POST
def delete(request):
    """Delete the account once the reader confirms with their password or the e-mailed code.

    Guesses are limited per reader (a signed-in session must not become a way to try
    passwords or six-digit codes); a right guess after the limit waits too.
    """
    password = request.POST.get("password", "")
    code = request.POST.get("code", "")
    if password or code:
        usage = throttle.attempt(request, "delete_account", user=request.user)
        if usage is None:
            return render(request, "429.html", status=429)
    confirmed = (password and request.user.check_password(password)) or data_rights.check_deletion_code(request, code)
    if request.POST.get("confirm") != "yes" or not confirmed:
        messages.error(
            request,
            "Your account was not deleted: tick the box and enter your password or the code we e-mailed you.",
        )
        return render(
            request, "accounts/data.html", {"has_password": request.user.has_usable_password()}, status=400
        )
    data_rights.delete_account(request)
    return render(request, "accounts/deleted.html")


def privacy(request):
    """The privacy notice in plain language."""
    return render(request, "accounts/privacy.html")


# --- allauth's forms that take an e-mail address, answering 400 when sent back ------------
class _BadRequestWhenInvalid:
    """A form sent back with its errors is a 400 (429 when it was refused for too many tries)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        response.status_code = 429 if "too_many_login_attempts" in codes else 400
        return response


class SignupView(_BadRequestWhenInvalid, account_views.SignupView):
    pass


class EmailView(_BadRequestWhenInvalid, account_views.EmailView):
    pass


class PasswordResetView(_BadRequestWhenInvalid, account_views.PasswordResetView):
    pass


class RequestLoginCodeView(_BadRequestWhenInvalid, account_views.RequestLoginCodeView):
    pass
