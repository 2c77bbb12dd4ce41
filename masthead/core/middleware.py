"""Cookies are marked Secure whenever the request came over TLS."""

from __future__ import annotations


class SecureCookiesOverTLS:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
