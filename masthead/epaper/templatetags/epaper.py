"""Template filters for the ePaper viewer: {% load epaper %}."""

from django import template

register = template.Library()


@register.filter
def page_url(edition, number) -> str:
    """The address of page `number` of the edition."""
    return edition.page_url(int(number))


@register.filter
def image_height(page, width) -> int:
    """A page image's height in pixels at `width`, so the layout is kept while it loads."""
    return round(page.height * int(width) / page.width) if page.width else int(width)
