"""What a listing says about a story's access (the Premium badge), by access's rule.

Which stories are premium is decided by the access app (the article's own level, its
section, and the publisher's section and tag lists: access.decision.effective_access).
Content cannot import access, so access registers that rule here in its
AppConfig.ready(); cards, section pages and the home page ask `shown_access()`, never
re-implementing it. Without access installed a story's own level is shown.
"""

from __future__ import annotations

from collections.abc import Callable

# (article access, section slug, section is premium, tag slugs) -> "free" | "metered" | "premium"
Rule = Callable[[str, str, bool, frozenset], str]


def _own_level(access: str, section_slug: str, section_is_premium: bool, tag_slugs: frozenset) -> str:
    return "premium" if section_is_premium else access


_rule: Rule = _own_level


def register(rule: Rule) -> None:
    """Access gives its rule (AccessConfig.ready())."""
    global _rule
    _rule = rule


def shown_access(access: str, section_slug: str, section_is_premium: bool, tag_slugs=frozenset()) -> str:
    return _rule(access, section_slug, section_is_premium, frozenset(tag_slugs))


def article_is_premium(article) -> bool:
    """The Premium badge for an Article (section and tags loaded)."""
    return shown_access(article.access, article.section.slug, article.section.is_premium,
                        (t.slug for t in article.tags.all())) == "premium"


def section_is_premium(section) -> bool:
    """Every story in the section needs a subscription (the section's badge)."""
    return shown_access("metered", section.slug, section.is_premium) == "premium"
