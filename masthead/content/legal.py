"""The policy pages linked in every page's footer: terms, refunds and cancellation, contact.

Staff edit them in the admin (content.LegalPage). Until a page is saved there, readers see
the default text below, written for a publication that sells auto-renewing subscriptions
as Masthead does, so a fresh install never links to a missing page.
"""

from __future__ import annotations

from django.shortcuts import render
from django.template import engines
from django.views.decorators.http import require_safe

from masthead.content.freshness import remember
from masthead.content.models import LegalPage
from masthead.content.page_cache import anonymous_page_cache
from masthead.content.publication import current_publication

# Default text: Django template source rendered with the publication (name, legal name...).
DEFAULT_TEXT = {
    LegalPage.Kind.TERMS: """
<p>These terms apply when you read {{ publication.name }} on the web or in its apps, and when you buy a subscription.
The site is published by {{ publication.legal_name|default:publication.name }}.</p>
<h2>Your account</h2>
<p>Keep your password to yourself. A subscription is for one person; it can be signed in on a limited number of
devices at once, shown in your account.</p>
<h2>Subscriptions</h2>
<p>Prices include GST. A subscription renews automatically at the end of each term at the price shown on your
account page, and we e-mail you before each renewal is charged. You can cancel at any time from your account;
you keep access until the end of the term you paid for.</p>
<h2>What you may do with our journalism</h2>
<p>Read it, share links to it and quote short passages with a credit. Copying whole stories, republishing them or
collecting them automatically needs our written permission.</p>
<h2>Changes</h2>
<p>If these terms change, we say so on this page and, for changes that affect a subscription, by e-mail before they
apply.</p>
""",
    LegalPage.Kind.REFUNDS: """
<h2>Cancelling</h2>
<p>Cancel at any time from <a href="/accounts/subscription/">your subscription page</a>. Your subscription then does
not renew, and you keep full access until the end of the term already paid for.</p>
<h2>Refunds</h2>
<p>If you cancel within 7 days of your first payment, or of a renewal you did not mean to make, write to us and we
refund that payment in full. Refunds go back to the card or account you paid with and usually arrive within 5 to 7
working days. After 7 days, a term already started is not refunded, except where the law requires it.</p>
<h2>Failed or double payments</h2>
<p>If you were charged twice or charged after cancelling, write to us: we refund the extra payment in full.</p>
""",
    LegalPage.Kind.CONTACT: """
<p>Write to us about your subscription, a story, a correction or anything else on this site.</p>
""",
}


def _page(kind: str) -> dict:
    """The saved page, or the default text, kept with the content version."""

    def load() -> dict:
        saved = LegalPage.objects.filter(kind=kind).first()
        if saved is not None:
            return {"title": saved.title, "body": saved.body, "updated_at": saved.updated_at}
        return {"title": LegalPage.Kind(kind).label, "body": None, "updated_at": None}

    page = remember(f"legal:{kind}", load)
    if page["body"] is None:
        page = {**page, "body": default_body(kind)}
    return page


def default_body(kind: str) -> str:
    """The default text for a kind, filled in for the current publication (the demo seeds it)."""
    source = engines["django"].from_string(DEFAULT_TEXT[kind])
    return source.render({"publication": current_publication()}).strip()


def _view(kind: str):
    @require_safe
    @anonymous_page_cache
    def view(request):
        return render(request, "content/legal.html", {"page": _page(kind), "kind": kind})

    view.__name__ = f"{kind}_page"
    view.__doc__ = f"The {LegalPage.Kind(kind).label} page."
    return view


terms = _view(LegalPage.Kind.TERMS)
refunds = _view(LegalPage.Kind.REFUNDS)
contact = _view(LegalPage.Kind.CONTACT)
