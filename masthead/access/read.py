"""access.read(): the one read path. Every channel that shows an article calls it.

    result = read(request, facts)          # the web page, the JSON API; later the ePaper,
                                            # newsletters and feeds
    result.decision                         # granted or not, why, the meter's counts
    result.header_html, result.teaser_html  # always shown
    result.rest_html                        # the gated part: "" unless granted
    result.paywall                          # what the paywall says (None when granted)

It resolves the reader (access.reader), their benefits (access.entitlements, one memo
per request), makes the decision (access.service.decide: one meter round trip when
metered) and hands back what the decision allows. The gated rest of the body leaves
content.rendering only through `Read.rest_html`, which is empty unless granted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser

from masthead.access import funnel, variants
from masthead.access import reader as readers
from masthead.access.benefits import Benefit
from masthead.access.decision import (
    Access, Decision, ItemFacts, MeterResult, ReaderFacts, Reason, Rules, classify, effective_access,
)
from masthead.access.decision import decide as pure_decide
from masthead.access.entitlements import for_reader
from masthead.access.entitlements import for_request as benefits_for
from masthead.access.rules import current_rules
from masthead.access.service import decide, item_facts, record_cookie_wall
from masthead.content import access_rule, rendering
from masthead.content.rendering import ArticleFacts, ArticleParts
from masthead.core import cache, clock

# --- the offers the paywall shows ------------------------------------------------------------
# Plans are billing's; access shows them through a provider billing registers in its
# AppConfig.ready() (access never imports billing). Each offer has `grants`, the benefits
# the plan opens, and `benefits`, their offer copy from the registry.

OFFERS_SECONDS = 60
_offer_provider: Callable[[], list] | None = None


def register_offer_provider(provider: Callable[[], list]) -> None:
    """Billing says which plans are on sale (called from its AppConfig.ready())."""
    global _offer_provider
    _offer_provider = provider


def offers() -> list:
    """The plans on sale (kept under the "offers" version); none when no app sells any."""
    if _offer_provider is None:
        return []
    return cache.remember("offers", "on-sale", _offer_provider, ttl=OFFERS_SECONDS, local=True)


def forget_offers() -> None:
    """A plan changed: the paywall shows the new offer at once, in every process."""
    cache.bump("offers")


# --- links that open one story (a subscriber's gift) -------------------------------------------
# Billing keeps the gift links; access asks it through a hook billing registers in its
# AppConfig.ready(). The hook is asked first, so a gifted read counts on nobody's meter.

_read_grants: list[Callable] = []


def register_read_grant(grant: Callable) -> None:
    """`grant(request, facts, now) -> bool`: True when the request carries a valid link that
    opens this article (it must answer False at once for a request without one)."""
    if grant not in _read_grants:
        _read_grants.append(grant)


def _granted_by_link(request, facts: ArticleFacts, rules: Rules, now: dt.datetime) -> Decision | None:
    if request is None or not _read_grants:
        return None
    for grant in _read_grants:
        if grant(request, facts, now):
            return Decision(granted=True, reason=Reason.GIFTED, access=effective_access(item_facts(facts), rules))
    return None


# --- what the reader is told -------------------------------------------------------------------

def period_phrase(rules: Rules) -> str:
    """"this month" or "in 30 days", as the paywall and the notice say it."""
    return "this month" if rules.period == "month" else "in 30 days"


def meter_notice(decision: Decision, rules: Rules) -> str:
    """'3 free articles left this month' on a granted metered read; the last one says so."""
    if not decision.granted or not decision.metered:
        return ""
    if decision.last_free:
        return f"This is your last free article {period_phrase(rules)}."
    if decision.remaining == 0:
        return f"No free articles left {period_phrase(rules)}."
    left = decision.remaining
    noun = "article" if left == 1 else "articles"
    return f"{left} free {noun} left {period_phrase(rules)}."


@dataclass(frozen=True)
class Paywall:
    """What a refused read tells the reader, for the HTML paywall and the API alike."""

    reason: Reason
    message: str
    limit: int
    used: int | None
    remaining: int | None
    period_phrase: str
    archive_days: int
    article_url: str
    offers: tuple = ()
    needs: object = None  # the benefit that would open the story (access.benefits), if one
    headline: str = ""    # an experiment's copy for the limit paywall ("" = the standard words)

    @property
    def subscribe_url(self) -> str:
        return "/subscribe/?" + urlencode({"next": self.article_url})

    @property
    def login_url(self) -> str:
        return "/accounts/login/?" + urlencode({"next": self.article_url})

    def as_json(self) -> dict:
        return {
            "reason": self.reason.value,
            "message": self.message,
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "needs": self.needs.value if self.needs else None,
            "subscribe_url": self.subscribe_url,
            "login_url": self.login_url,
        }


def paywall_for(decision: Decision, rules: Rules, article_url: str,
                variant: variants.RulesVariant | None = None) -> Paywall:
    """The paywall for a refused decision: the live limit, and the plans that open the story
    (in the order and with the badges of the reader's variant, if they are in one)."""
    needs = decision.needs
    on_sale = offers()
    if needs is not None:
        on_sale = [offer for offer in on_sale if needs in offer.grants]
    headline = ""
    if variant is not None:
        on_sale = variant.arrange(on_sale)
        if decision.reason is Reason.LIMIT_REACHED:
            headline = variant.headline_for(decision.limit)
    return Paywall(
        reason=decision.reason,
        message=decision.reason.label,
        limit=decision.limit,
        used=decision.used,
        remaining=decision.remaining,
        period_phrase=period_phrase(rules),
        archive_days=rules.archive_days,
        article_url=article_url,
        offers=tuple(on_sale),
        needs=needs,
        headline=headline,
    )


# --- the read ------------------------------------------------------------------------------------

@dataclass
class Read:
    """One reader's read of one article: the decision and what it lets them see."""

    reader: readers.Reader
    decision: Decision
    rules: Rules
    facts: ArticleFacts
    article: object = None  # the loaded Article, when the caller has one (the API)
    # True when a browser should first be sent round the cookie check (web only).
    cookie_check: bool = False
    variant: variants.RulesVariant | None = None  # the experiment arm the rules came from

    @property
    def granted(self) -> bool:
        return self.decision.granted

    @property
    def free(self) -> bool:
        """The story is free under the rules (the JSON-LD and cache headers follow it)."""
        return self.decision.access is Access.FREE

    @functools.cached_property
    def parts(self) -> ArticleParts | None:
        """The cached renderings of this article version (None if it vanished meanwhile)."""
        return rendering.parts_for(self.facts, self.rules.teaser_paragraphs, free=self.free, article=self.article)

    @property
    def header_html(self):
        return self.parts.header_html

    @property
    def teaser_html(self):
        return self.parts.teaser_html

    @property
    def rest_html(self):
        """The gated part of the body: only when the decision grants it."""
        return self.parts.rest_html if self.granted else ""

    @property
    def body_html(self) -> str:
        """Teaser and rest: the whole body when granted, the teaser otherwise."""
        return str(self.teaser_html) + str(self.rest_html)

    @property
    def notice(self) -> str:
        return meter_notice(self.decision, self.rules)

    @functools.cached_property
    def paywall(self) -> Paywall | None:
        if self.granted:
            return None
        return paywall_for(self.decision, self.rules, self.facts.url, self.variant)

    @property
    def shareable_public(self) -> bool:
        """A free story to an anonymous reader, setting no cookie: a shared cache may keep it."""
        return self.decision.reason is Reason.FREE and not self.reader.is_authenticated and not self.reader.new_cookie


def read(request, facts: ArticleFacts, *, channel: str = "web", reader: readers.Reader | None = None,
         article=None, now: dt.datetime | None = None) -> Read:
    """The decision for this request's reader on this article, and what it lets them see.

    `reader` is given by channels that identify readers their own way (the API's app
    tokens); otherwise it comes from the request (session or meter cookie). A client
    without the meter cookie is given one; on the web it is first sent round the cookie
    check (`cookie_check`), elsewhere it gets the "free articles need cookies" paywall.
    """
    now = now or clock.now()
    rules = current_rules()
    reader = reader or readers.for_request(request, rules)
    variant = variants.variant_for(reader)
    if variant is not None:
        rules = variant.apply(rules)
    benefits = benefits_for(request, reader.user)
    decision = _granted_by_link(request, facts, rules, now) or decide(
        reader, item_facts(facts), now, benefits=benefits, rules=rules, channel=channel)
    cookie_check = False
    if decision.reason is Reason.COOKIES_REQUIRED:
        readers.issue_cookie(reader, rules, now=now)
        if channel == "web" and not reader.cookies_refused:
            cookie_check = True
        else:
            record_cookie_wall(channel)
    result = Read(reader, decision, rules, facts, article=article, cookie_check=cookie_check, variant=variant)
    funnel.observe(request, result, channel)
    return result


def listed_access(facts, rules: Rules | None = None) -> Access:
    """The access a listing, a card or the API shows for a story (the rules applied)."""
    return effective_access(item_facts(facts), rules or current_rules())


def _listing_rule(access: str, section_slug: str, section_is_premium: bool, tag_slugs: frozenset) -> str:
    item = ItemFacts(0, Access(access), section_slug, section_is_premium, tag_slugs)
    return effective_access(item, current_rules()).value


def register_listing_rule() -> None:
    """Give content the rule its listings badge stories by (AccessConfig.ready())."""
    access_rule.register(_listing_rule)


# --- products a benefit opens (the ePaper) ---------------------------------------------------
# No meter and no article: the reader holds the benefit or sees the paywall, which offers
# only the plans that sell it. Every view of such a product decides through here.

@dataclass(frozen=True)
class BenefitRead:
    """One reader's access to a product a benefit opens, and the paywall when refused."""

    benefit: Benefit
    reader: readers.Reader
    granted: bool
    paywall: Paywall | None = None


def benefit_paywall(benefit: Benefit, next_url: str, rules: Rules | None = None) -> Paywall:
    """The paywall for a product `benefit` opens: the plans on sale that carry it."""
    rules = rules or current_rules()
    return Paywall(
        # A subscription is what is missing; `needs` names what it must include.
        reason=Reason.PREMIUM,
        message=f"{benefit.label} is for subscribers",
        limit=rules.free_limit,
        used=None,
        remaining=None,
        period_phrase=period_phrase(rules),
        archive_days=rules.archive_days,
        article_url=next_url,
        offers=tuple(offer for offer in offers() if benefit in offer.grants),
        needs=benefit,
    )


def read_benefit(request, benefit: Benefit, *, reader: readers.Reader | None = None,
                 next_url: str | None = None) -> BenefitRead:
    """Whether this request's reader holds `benefit` (subscription, grant, group or staff).

    `next_url` is where the paywall's subscribe and log-in links return (default: this page).
    Benefits come from the one per-request memo (access.entitlements.for_request).
    """
    rules = current_rules()
    reader = reader or readers.for_request(request, rules)
    granted = benefit in benefits_for(request, reader.user)
    if granted:
        return BenefitRead(benefit, reader, True)
    return BenefitRead(benefit, reader, False,
                       benefit_paywall(benefit, next_url or request.get_full_path(), rules))


# --- the newsroom's preview: the page as one kind of reader sees it -----------------------------
# An editor previews a draft as an anonymous visitor, a metered reader or a subscriber.
# The reader is synthetic (no account, no cookie) and the meter's answer is stated, never
# asked: a preview is not a read, so no meter counts it and the funnel never sees it.

PREVIEW_AS = {
    "anonymous": "an anonymous visitor on their first story this month",
    "metered": "a signed-in reader who has used every free story this month",
    "subscriber": "a subscriber (every benefit a plan sells)",
}


def read_as(persona: str, facts: ArticleFacts, *, now: dt.datetime | None = None) -> Read:
    """What `persona` (a key of PREVIEW_AS) would see of this article, by the one decision."""
    if persona not in PREVIEW_AS:
        raise ValueError(f"{persona!r} is not a preview reader: one of {', '.join(PREVIEW_AS)}.")
    now = now or clock.now()
    rules = current_rules()
    signed_in = persona != "anonymous"
    who = readers.Reader(ReaderFacts(f"preview:{persona}", is_authenticated=signed_in))
    benefits = frozenset(b for b in Benefit if b.sellable) if persona == "subscriber" else frozenset()
    limit = rules.free_limit
    if persona == "anonymous":
        meter = MeterResult(allowed=limit > 0, counted_now=limit > 0, already_counted=False,
                            used=min(1, limit), remaining=max(limit - 1, 0))
    else:
        meter = MeterResult(allowed=False, counted_now=False, already_counted=False, used=limit, remaining=0)
    item = item_facts(facts)
    plan = classify(who.facts, item, benefits, rules, now)
    decision = plan.decision if plan.decision is not None else pure_decide(who.facts, item, benefits, rules, now, meter)
    return Read(who, decision, rules, facts)


# --- a recipient's read (newsletters and other e-mails) -----------------------------------------

def read_for_recipient(user, facts: ArticleFacts, *, channel: str = "newsletter",
                       now: dt.datetime | None = None, benefits: frozenset | None = None) -> Read:
    """What one e-mail recipient may see of an article, without a request.

    The reader is the recipient's account (or nobody, for an address without one); their
    benefits come from access.entitlements (`benefits` lets a sender pass the answer it
    already has for this recipient). The meter is never asked and never counted: an
    e-mail is not a read. So a metered story opens only to a recipient whose benefits
    open it (a subscriber), and is otherwise refused (reason "metered", nothing counted)
    and shown as headline, standfirst and link; a premium story likewise; a free story
    opens to everyone.
    """
    now = now or clock.now()
    rules = current_rules()
    signed_in = bool(getattr(user, "is_authenticated", False))
    who = readers.Reader(
        ReaderFacts(f"u:{user.pk}" if signed_in else None, is_authenticated=signed_in),
        user=user if signed_in else AnonymousUser(),
    )
    if benefits is None:
        benefits = for_reader(who.user, now=now) if signed_in else frozenset()
    item = item_facts(facts)
    plan = classify(who.facts, item, benefits, rules, now)
    decision = plan.decision
    if decision is None or decision.reason is Reason.COOKIES_REQUIRED:
        # The read would be counted on the web; by e-mail it is refused instead.
        decision = Decision(False, Reason.METERED, effective_access(item, rules), limit=rules.free_limit,
                            benefits=benefits)
    return Read(who, decision, rules, facts)
