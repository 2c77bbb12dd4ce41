"""The admin works in the publication's time zone, as the reader site does."""

from __future__ import annotations

from django.utils import timezone

from masthead.content.publication import current_publication


class AdminTimeZoneMiddleware:
    """Times in the admin (lists, forms, date filters) are the publication's local times.

    Only admin paths pay for the publication lookup: reader pages convert in their
    templates and the hot path stays as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        with timezone.override(current_publication().zone):
            return self.get_response(request)
