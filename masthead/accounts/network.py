"""The reader's IP address, as allauth sees it (so proxies are configured in one place)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For per ALLAUTH_TRUSTED_PROXY_COUNT."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None
