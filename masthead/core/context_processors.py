from django.core.cache import cache

from masthead.content.publication import current_publication

NAV_CACHE_KEY = "content:navigation:v1"


def publication(request):
    sections = cache.get(NAV_CACHE_KEY)
    if sections is None:
        from masthead.content.models import Section

        sections = list(Section.objects.filter(in_navigation=True))
        cache.set(NAV_CACHE_KEY, sections, 60)
    return {"publication": current_publication(), "navigation_sections": sections}
