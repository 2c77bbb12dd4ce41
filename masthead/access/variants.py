"""Paywall variants: the rules an experiment gives one reader, as an input to the decision.

Access never knows about experiments. An app that runs them (analytics) registers a
provider in its AppConfig.ready(); `read()` asks it once per read for the reader's
variant and decides with `variant.apply(rules)`. With no provider, or no running
experiment, every reader gets the publisher's rules unchanged.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from masthead.access.decision import Rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RulesVariant:
    """What one arm of an experiment changes. Empty fields keep the publisher's setting.

    `key` is stable ("free-limit-test:three") and is what the funnel records; `headline`
    may name the limit as {free_limit}; `plan_order` lists plan codes first-to-last;
    `highlight` is (plan code, badge) pairs.
    """

    key: str
    free_limit: int | None = None
    registration_wall: int | None = None
    headline: str = ""
    plan_order: tuple[str, ...] = ()
    highlight: tuple[tuple[str, str], ...] = ()

    def apply(self, rules: Rules) -> Rules:
        """The rules this variant decides with."""
        changes = {}
        if self.free_limit is not None:
            changes["free_limit"] = self.free_limit
        if self.registration_wall is not None:
            changes["registration_wall"] = self.registration_wall
        return dataclasses.replace(rules, **changes) if changes else rules

    def arrange(self, offers: list) -> list:
        """The paywall's plans in this variant's order, with its badges."""
        if self.plan_order:
            rank = {code: i for i, code in enumerate(self.plan_order)}
            offers = sorted(offers, key=lambda offer: rank.get(offer.code, len(rank)))
        if self.highlight:
            badges = dict(self.highlight)
            offers = [dataclasses.replace(offer, highlight=badges.get(offer.code, "")) for offer in offers]
        return list(offers)

    def headline_for(self, limit: int) -> str:
        return self.headline.replace("{free_limit}", str(limit)) if self.headline else ""


_provider: Callable[[object], RulesVariant | None] | None = None


def register_variant_provider(provider: Callable[[object], RulesVariant | None]) -> None:
    """An experiments app says which variant a reader (access.reader.Reader) is in."""
    global _provider
    _provider = provider


def variant_for(reader) -> RulesVariant | None:
    """The reader's variant, or None. A failing provider never fails a read."""
    if _provider is None or reader.meter_key is None:
        return None
    try:
        return _provider(reader)
    except Exception:
        logger.exception("the variant provider failed; the publisher's rules apply")
        return None
