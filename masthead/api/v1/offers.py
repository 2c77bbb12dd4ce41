"""The plans to show and what the paywall says, for apps that draw their own.

The plans are billing's (`billing.offer`: the same copy as the paywall and /subscribe), with
their price in paise too; they are kept under the "offers" version, which billing bumps
whenever a plan changes. Buying happens on the web: each offer carries the address to open
(in-app purchases are not offered).

The paywall's copy is the HTML paywall's (access/templates/access/paywall.html), in plain
text; `tests/api/test_v1_offers.py` checks the two say the same.
"""

from __future__ import annotations

from urllib.parse import urlencode

from masthead.access.decision import Reason, Rules
from masthead.access.read import period_phrase
from masthead.api.v1.listing import base_url
from masthead.core import cache

OFFERS_SECONDS = 60
LOGIN_PROMPT = "Already subscribed? Log in"


def _build_offers() -> list[dict]:
    from masthead.billing.models import Plan
    from masthead.billing.offer import offer_for

    found = []
    for plan in Plan.objects.filter(is_visible=True, is_active=True):
        offer = offer_for(plan)
        found.append({
            "code": plan.code,
            "name": plan.name,
            "price": plan.price,
            "currency": plan.currency,
            "price_text": offer.price,
            "term": offer.term,
            "term_months": plan.term_months,
            "per_month_text": offer.per_month,
            "benefits": list(offer.benefits),
            "grants": sorted(b.value for b in offer.grants),
            "highlight": offer.highlight,
            "renewal": offer.renewal,
        })
    return found


def subscribe_url(plan: str = "", next_path: str = "") -> str:
    """The web address where the reader subscribes (to `plan`, coming back to `next_path`)."""
    query = {k: v for k, v in (("plan", plan), ("next", next_path)) if v}
    return base_url() + "/subscribe/" + ("?" + urlencode(query) if query else "")


def login_url(next_path: str = "") -> str:
    return base_url() + "/accounts/login/" + ("?" + urlencode({"next": next_path}) if next_path else "")


def signup_url(next_path: str = "") -> str:
    return base_url() + "/accounts/signup/" + ("?" + urlencode({"next": next_path}) if next_path else "")


def offers(codes=None, next_path: str = "") -> list[dict]:
    """The plans on sale (only those in `codes` when given), each with its web subscribe link."""
    listed = cache.remember("offers", "api-v1", _build_offers, ttl=OFFERS_SECONDS, local=True)
    return [
        {**offer, "subscribe_url": subscribe_url(offer["code"], next_path)}
        for offer in listed
        if codes is None or offer["code"] in codes
    ]


def copy(reason: Reason, *, limit: int, phrase: str, archive_days: int) -> tuple[str, str]:
    """(title, text) of the paywall for a refusal, as the HTML paywall words it."""
    if reason is Reason.PREMIUM:
        return ("This story is for subscribers.",
                "Subscribe now for unlimited access to premium stories, the archive and more.")
    if reason is Reason.MARKETS:
        return ("Our market analysis is for subscribers.",
                "Investment ideas and market strategy from our analysts come with a subscription. "
                "Subscribe now for unlimited access.")
    if reason is Reason.ARCHIVE:
        return ("This story is in our archive, which is for subscribers.",
                f"Stories older than {archive_days} days are part of a subscription. "
                "Subscribe now for unlimited access.")
    if reason is Reason.REGISTRATION_REQUIRED:
        return ("Create a free account to keep reading.",
                f"A free account gives you {limit} free articles {phrase}. Or subscribe now for unlimited access.")
    if reason is Reason.COOKIES_REQUIRED:
        return ("Free articles need cookies.",
                f"Your app did not keep the cookie that counts your {limit} free articles {phrase}. "
                "Keep cookies for this site and try again, or subscribe now for unlimited access.")
    return (f"You've reached your limit of {limit} free articles {phrase}.",
            "Subscribe now for unlimited access.")


REFUSALS = (Reason.LIMIT_REACHED, Reason.PREMIUM, Reason.MARKETS, Reason.ARCHIVE, Reason.REGISTRATION_REQUIRED,
            Reason.COOKIES_REQUIRED)


def paywall_info(rules: Rules) -> dict:
    """Every paywall's copy under today's rules, and the plans to show."""
    phrase = period_phrase(rules)
    return {
        "free_limit": rules.free_limit,
        "period": rules.period,
        "period_phrase": phrase,
        "teaser_paragraphs": rules.teaser_paragraphs,
        "archive_days": rules.archive_days,
        "copy_by_reason": [
            dict(zip(("reason", "title", "text"),
                     (reason.value, *copy(reason, limit=rules.free_limit, phrase=phrase,
                                          archive_days=rules.archive_days))))
            for reason in REFUSALS
        ],
        "login_prompt": LOGIN_PROMPT,
        "subscribe_url": subscribe_url(),
        "login_url": login_url(),
        "offers": offers(),
    }


def paywall_of(paywall, article_path: str) -> dict:
    """The Paywall schema for a refused read (access.read.Paywall)."""
    title, text = copy(paywall.reason, limit=paywall.limit, phrase=paywall.period_phrase,
                       archive_days=paywall.archive_days)
    return {
        "reason": paywall.reason.value,
        "title": title,
        "text": text,
        "limit": paywall.limit,
        "used": paywall.used,
        "remaining": paywall.remaining,
        "needs": paywall.needs.value if paywall.needs else None,
        "subscribe_url": subscribe_url(next_path=article_path),
        "login_url": login_url(article_path),
        "signup_url": signup_url(article_path) if paywall.reason is Reason.REGISTRATION_REQUIRED else None,
        "offers": offers({o.code for o in paywall.offers}, article_path),
    }
