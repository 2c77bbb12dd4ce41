"""The benefit registry: everything a plan, a grant or an organisation can give a reader.

One entry per benefit: its code (stored on plans, grants and organisations, stable),
the label a reader sees ("Ad-free reading"), the offer line the paywall and /subscribe
show, what it opens and which code delivers it. Adding a benefit is one entry here plus
the code that consumes it; nothing else lists benefits.

A benefit is `sellable` only once the code that delivers it exists: a plan cannot be
given one that is not (the admin does not offer it, the offer copy never shows it), so a
reader is never sold something Masthead does not deliver yet.
"""

from __future__ import annotations

import enum


class Benefit(str, enum.Enum):
    """A benefit by its code; each member carries its reader-facing copy. The order is the
    order offers list them in (the reference offer's)."""

    def __new__(cls, code: str, label: str, offer: str, opens: str, sellable: bool = True):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.offer = offer
        member.opens = opens
        member.sellable = sellable
        return member

    PREMIUM = (
        "premium", "Premium stories",
        "30+ premium stories a day, handpicked by our editors",
        "premium stories and sections, and every metered story without counting (access.decision)",
    )
    PARTNER = (
        "partner", "Partner publication access",
        "Complimentary access to our partner publication",
        "a partner publication's activation code (accounts.partner)",
    )
    EPAPER = (
        "epaper", "The ePaper",
        "The ePaper: a page-by-page replica of the daily print edition",
        "the ePaper: every edition's pages, search, saved pages, clips and the PDF (epaper)",
    )
    NEWSLETTERS = (
        "newsletters", "Subscriber newsletters",
        "Curated newsletters",
        "the subscriber-only newsletters (newsletters)",
    )
    MARKETS = (
        "markets", "Market analysis",
        "Market analysis and investment ideas",
        "stories in the market analysis sections (access.decision; the paywall rules name the sections)",
    )
    ARCHIVE = (
        "archive", "The archive",
        "The archive back to 1997",
        "stories older than the archive age (access.decision)",
    )
    AD_FREE = (
        "ad_free", "Ad-free reading",
        "Ad-free reading",
        "pages without advertisements (accounts ad slots)",
    )
    DEVICES = (
        "devices", "Every device",
        "Seamless access across all devices, web or app",
        "the same access on every signed-in browser and app (accounts.devices; benefits follow the account)",
    )
    METERED = (
        "metered", "Unlimited reading",
        "Unlimited reading of every story that is not premium",
        "metered stories without counting (access.decision); a grant for readers who need no premium",
    )


ALL = frozenset(Benefit)
SELLABLE = frozenset(b for b in Benefit if b.sellable)
CHOICES = [(b.value, b.label) for b in Benefit]
SELLABLE_CHOICES = [(b.value, b.label) for b in Benefit if b.sellable]


def from_codes(codes) -> frozenset[Benefit]:
    """The benefits named by stored codes; unknown codes (a benefit since removed) are ignored."""
    return frozenset(Benefit(code) for code in codes or () if code in Benefit._value2member_map_)


def in_order(benefits) -> list[Benefit]:
    """Benefits in the registry's order (how offers and account pages list them)."""
    return [b for b in Benefit if b in benefits]


def offer_lines(benefits) -> tuple[str, ...]:
    """The offer copy for a set of benefits: one line per sellable benefit, in registry order."""
    return tuple(b.offer for b in in_order(benefits) if b.sellable)
