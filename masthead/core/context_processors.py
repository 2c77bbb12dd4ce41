"""Context every page's template gets: the publication and its navigation."""

from masthead.content.publication import current_publication


def _navigation_sections() -> list:
    from masthead.content.models import Section

    return list(Section.objects.filter(in_navigation=True))


def publication(request):
    """The publication and the sections in its navigation, cached with the content version."""
    from masthead.content.freshness import remember

    return {"publication": current_publication(), "navigation_sections": remember("navigation", _navigation_sections)}
