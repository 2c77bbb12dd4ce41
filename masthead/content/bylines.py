"""The byline, the same on the article page and on every card."""

from __future__ import annotations

from collections.abc import Iterable


def byline_of(names: Iterable[str], source_name: str = "") -> str:
    """"By A", "By A and B", "By A, B and C"; the agency's name for unsigned wire copy."""
    names = list(names)
    if not names:
        return source_name
    if len(names) == 1:
        return f"By {names[0]}"
    return "By " + ", ".join(names[:-1]) + " and " + names[-1]


def byline(article) -> str:
    """The byline of an Article (its authors and source loaded): the printed credit when set."""
    if getattr(article, "credit", ""):
        return article.credit
    return byline_of((a.name for a in article.authors.all()), article.source.name if article.source_id else "")
