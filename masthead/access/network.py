"""The reader's IP address, by the same rules allauth uses for its rate limits.

In access because the decision (crawlers, the per-address cap), group access and the ads
must agree on who is asking; accounts reads it from here.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the trusted header / X-Forwarded-For hop allauth is configured to trust.

    Reads the same settings as allauth (ALLAUTH_TRUSTED_CLIENT_IP_HEADER,
    ALLAUTH_TRUSTED_PROXY_COUNT) so rate limits and group access agree on who is asking;
    done here because this runs on every page and allauth's lookup costs far more.
    Kept on the request, so every consumer of one request sees one answer.
    """
    cached = getattr(request, "_masthead_client_ip", False)
    if cached is not False:
        return cached
    ip = _client_ip(request)
    request._masthead_client_ip = ip
    return ip


def _client_ip(request) -> str | None:
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        ip = request.headers.get(header)
    else:
        ip = None
        proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if proxies else None
        if forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            if len(hops) >= proxies:
                ip = hops[-proxies]
        ip = ip or request.META.get("REMOTE_ADDR")
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None
