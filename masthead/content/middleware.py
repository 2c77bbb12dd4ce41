"""The publication's time zone is the current time zone for every request.

Stories' URLs, the archive, the meter's months and renewals already count days in the
publication's zone (DESIGN decision 4). Activating it here makes everything else that asks
Django for the current zone agree with them: dates formatted in templates, and
``timezone.localdate()`` where code names "today" (the address cap's day, the funnel's
days). settings.TIME_ZONE is then only the default for work done outside a request.
"""

from __future__ import annotations

from django.utils import timezone

from masthead.content.publication import current_publication


class PublicationTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(current_publication().zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
