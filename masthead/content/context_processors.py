"""Context every page's template gets: the publication, its navigation and the time."""

from dataclasses import dataclass

from masthead.content.publication import current_publication
from masthead.core import clock


@dataclass(frozen=True)
class NavLink:
    name: str
    url: str


def _navigation_sections() -> list[NavLink]:
    """The sections in the navigation, with their URLs reversed once (not on every page)."""
    from masthead.content.models import Section

    return [NavLink(s.name, s.get_absolute_url()) for s in Section.objects.filter(in_navigation=True)]


def publication(request):
    """The publication and the sections in its navigation, cached with the content version."""
    from masthead.content.freshness import remember

    return {"publication": current_publication(), "navigation_sections": remember("navigation", _navigation_sections)}


def now(request):
    """The moment from Masthead's clock (``{% now %}`` would read the wall clock); templates
    show it in the current zone, the publication's."""
    return {"now": clock.now()}
