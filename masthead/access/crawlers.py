"""Verified search crawlers: proven by forward-confirmed reverse DNS or an IP range.

A user agent alone grants nothing: anyone can send "Googlebot". The user agent only
tells us when a DNS check is worth doing. The lookup is injectable
(settings.MASTHEAD_CRAWLER_RESOLVER, or the `resolver` argument) so tests run offline,
and each address's verdict is cached for a day.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

CRAWLER_TOKENS = ("googlebot", "google-inspectiontool", "bingbot", "adidxbot", "bingpreview", "storebot-google")
VERDICT_TTL = 24 * 3600


class Resolver(Protocol):
    """DNS lookups the crawler check needs (injectable)."""

    def reverse(self, ip: str) -> str | None: ...

    def forward(self, host: str) -> set[str]: ...


@dataclass(frozen=True)
class SocketResolver:
    """The system resolver (a real deployment)."""

    def reverse(self, ip: str) -> str | None:
        try:
            return socket.gethostbyaddr(ip)[0]
        except (OSError, UnicodeError):
            return None

    def forward(self, host: str) -> set[str]:
        try:
            return {info[4][0] for info in socket.getaddrinfo(host, None)}
        except (OSError, UnicodeError):
            return set()


dns_resolver = SocketResolver()


def claims_to_be_crawler(user_agent: str) -> bool:
    """The user agent names a search crawler (worth a DNS check; proves nothing)."""
    agent = (user_agent or "").lower()
    return any(token in agent for token in CRAWLER_TOKENS)


def in_ranges(ip: str, ranges) -> bool:
    """The address lies in one of the networks (malformed entries are skipped)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for network in ranges:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def host_in_domains(host: str, domains) -> bool:
    """The host is one of the domains or a subdomain of one (not merely ending in its text)."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def verify(ip: str, domains, resolver: Resolver) -> bool:
    """Forward-confirmed reverse DNS: ip -> host in a configured domain -> back to ip."""
    host = resolver.reverse(ip)
    if not host or not host_in_domains(host, domains):
        return False
    return ip in resolver.forward(host)


def is_verified_crawler(ip: str | None, user_agent: str, rules, resolver: Resolver | None = None) -> bool:
    """True for a request from a configured IP range, or a crawler user agent whose
    address passes the DNS check (cached per address)."""
    if not ip:
        return False
    if rules.crawler_ip_ranges and in_ranges(ip, rules.crawler_ip_ranges):
        return True
    if not rules.crawler_domains or not claims_to_be_crawler(user_agent):
        return False
    key = f"access:crawler:{ip}:{'|'.join(rules.crawler_domains)}"
    verdict = cache.get(key)
    if verdict is None:
        verdict = verify(ip, rules.crawler_domains, resolver or import_string(settings.MASTHEAD_CRAWLER_RESOLVER))
        cache.set(key, verdict, VERDICT_TTL)
    return verdict
