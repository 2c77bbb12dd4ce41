"""The demo's paywall rules: its Markets Analysis section is the market analysis."""

from __future__ import annotations

from masthead.access.models import AccessRules
from masthead.content.models import Section

MARKET_ANALYSIS = "markets-analysis"


def seed_rules(progress=print) -> None:
    """Name the demo's market analysis section in the rules (the other rules keep their defaults)."""
    section = Section.objects.filter(slug=MARKET_ANALYSIS).first()
    if section is None:
        return
    rules, _ = AccessRules.objects.get_or_create(pk=1)
    rules.market_sections.add(section)
    progress(f"Paywall rules: {section.name} is the market analysis (its stories need that benefit)")
