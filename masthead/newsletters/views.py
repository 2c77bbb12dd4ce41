"""The reader's side of newsletters: the /newsletters/ page, confirming, leaving, preferences.

Anonymous visitors join by e-mail with double opt-in; signed-in readers join in one click;
subscriber-only lists are offered to others with the plans that carry the newsletters
benefit. The unsubscribe link works without logging in (RFC 8058 one-click POST).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_request
from masthead.access.read import offers
from masthead.core import throttle
from masthead.newsletters import actions, tokens
from masthead.newsletters.models import NewsletterList, Signup


class JoinForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your e-mail address")


def _offers_with_newsletters() -> list:
    return [offer for offer in offers() if Benefit.NEWSLETTERS in offer.grants]


def _cards(request, benefits) -> list[dict]:
    joined = set()
    if request.user.is_authenticated:
        joined = set(Signup.objects.filter(email=actions.normalise(request.user.email),
                                           status=Signup.Status.CONFIRMED).values_list("newsletter_id", flat=True))
    cards = []
    for newsletter in NewsletterList.objects.filter(is_active=True):
        cards.append({
            "newsletter": newsletter,
            "joined": newsletter.pk in joined,
            "may_join": not newsletter.for_subscribers or Benefit.NEWSLETTERS in benefits,
            "wording": actions.join_wording(newsletter),
        })
    return cards


def index(request):
    """Every list, with a way to join each."""
    benefits = for_request(request)
    return render(request, "newsletters/index.html", {
        "cards": _cards(request, benefits),
        "form": JoinForm(),
        "plans": _offers_with_newsletters(),
    })


@require_POST
def join(request, slug: str):
    """Join a list: one click when signed in, else by e-mail with a confirmation link."""
    newsletter = get_object_or_404(NewsletterList, slug=slug, is_active=True)
    back = request.POST.get("next") or "/newsletters/"
    if not back.startswith("/") or back.startswith("//"):
        back = "/newsletters/"
    if request.user.is_authenticated:
        if not request.user.email:
            messages.error(request, "Add an e-mail address to your account first.")
            return redirect("/accounts/email/")
        try:
            actions.join(newsletter, request.user, benefits=for_request(request),
                         source=actions.SOURCE_ACCOUNT if back.startswith("/accounts/") else actions.SOURCE_PAGE)
        except actions.NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(back)
        messages.success(request, f"You will receive {newsletter.name}.")
        return redirect(back)
    if newsletter.for_subscribers:
        messages.error(request, f"{newsletter.name} comes with a subscription.")
        return redirect("/newsletters/")
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletters/index.html", {
            "cards": _cards(request, for_request(request)), "form": form, "failed": newsletter,
            "plans": _offers_with_newsletters(),
        }, status=400)
    email = actions.normalise(form.cleaned_data["email"])
    if throttle.attempt(request, "newsletter_signup", key=email.lower()) is None:
        return render(request, "429.html", status=429)
    actions.ask_to_join(newsletter, email, source=actions.SOURCE_PAGE)
    return render(request, "newsletters/check_inbox.html", {"newsletter": newsletter, "email": email})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The double opt-in link: the page asks for one click (mail scanners follow links)."""
    try:
        tokens.read_confirmation(token)
    except tokens.BadLink as exc:
        return render(request, "newsletters/bad_link.html", {"message": str(exc), "expired": exc.expired}, status=400)
    if request.method == "POST":
        try:
            signup = actions.confirm(token)
        except tokens.BadLink as exc:
            return render(request, "newsletters/bad_link.html", {"message": str(exc)}, status=400)
        return render(request, "newsletters/confirmed.html", {"signup": signup, "newsletter": signup.newsletter})
    return render(request, "newsletters/confirm.html", {"token": token})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token
@require_http_methods(["GET", "POST"])
def leave_by_link(request, token: str):
    """The unsubscribe link in every issue: GET shows a button, POST unsubscribes at once."""
    try:
        signup_id, email = tokens.read_leave(token)
    except tokens.BadLink as exc:
        return render(request, "newsletters/bad_link.html", {"message": str(exc)}, status=400)
    signup = Signup.objects.select_related("newsletter").filter(pk=signup_id, email=email).first()
    if signup is None:
        return render(request, "newsletters/bad_link.html",
                      {"message": "This address is not on the list any more."}, status=400)
    if request.method == "POST":
        actions.leave(signup, source=actions.SOURCE_ONE_CLICK)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.\n", content_type="text/plain")
        return render(request, "newsletters/left.html", {"newsletter": signup.newsletter})
    return render(request, "newsletters/leave.html", {"token": token, "signup": signup})


@login_required
def preferences(request):
    """The account's newsletters: join and leave each list."""
    benefits = for_request(request)
    return render(request, "newsletters/preferences.html", {
        "cards": _cards(request, benefits), "plans": _offers_with_newsletters(),
    })


@login_required
@require_POST
def leave(request, slug: str):
    newsletter = get_object_or_404(NewsletterList, slug=slug)
    signup = Signup.objects.filter(newsletter=newsletter, email=actions.normalise(request.user.email)).first()
    if signup is not None:
        actions.leave(signup, source=actions.SOURCE_ACCOUNT)
    messages.success(request, f"You will no longer receive {newsletter.name}.")
    back = request.POST.get("next") or "/accounts/newsletters/"
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/accounts/newsletters/")


# E-mail services whose tracking webhooks suppress bounced and complaining addresses
# (django-anymail's views; each verifies the request as its service documents).
TRACKING_VIEWS = {
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "amazon_ses": "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView",
    "mailjet": "anymail.webhooks.mailjet.MailjetTrackingWebhookView",
    "resend": "anymail.webhooks.resend.ResendTrackingWebhookView",
}


@csrf_exempt
def tracking(request, esp: str):
    """An e-mail service's bounce and complaint events. Refused unless a webhook secret is
    set (MASTHEAD_ANYMAIL_WEBHOOK_SECRET): anymail alone would accept unauthenticated posts."""
    if esp not in TRACKING_VIEWS:
        raise Http404("No such e-mail service")
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return HttpResponseBadRequest("Tracking webhooks need MASTHEAD_ANYMAIL_WEBHOOK_SECRET.")
    return import_string(TRACKING_VIEWS[esp]).as_view()(request)
