"""{% ad_slot "name" %}: the publisher's ad markup, absent for ad-free readers.

A template that wraps a slot in markup of its own takes the slot into a variable and
writes the wrapper only when there is an ad, so ad-free readers get no empty box:
``{% ad_slot "top" as ad %}{% if ad %}<div class="wrap">{{ ad }}</div>{% endif %}``.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_request
from masthead.accounts.ads import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def ad_slot(context, name):
    """The slot's markup in a box of its reserved size, or nothing at all for ad-free readers.

    Ad-free readers get an empty string: no element, no hidden markup, so their pages
    carry no ad code; everyone else gets a box with a fixed size so the page does not jump.
    """
    request = context.get("request")
    slot = slots(request).get(name)
    if slot is None:
        return ""
    if request is not None and Benefit.AD_FREE in for_request(request):
        return ""
    return format_html(
        '<aside class="ad-slot ad-slot--{}" aria-label="Advertisement" '
        'style="min-height:{}px;max-width:{}px">{}</aside>',
        slot.name,
        slot.height,
        slot.width,
        mark_safe(slot.markup),  # cleaned with the ad allow-list when loaded (accounts/ads.py)
    )
