"""Devices: every signed-in browser or app, what it is called, where it is, and signing it out."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from masthead.accounts.models import AppToken, Device
from masthead.core import cache as kept
from masthead.core import clock

_BROWSERS = [
    # Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    (re.compile(r"Masthead", re.I), "Masthead app"),
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Version/[\d.]+.*Safari/"), "Safari"),
    (re.compile(r"curl/|python-requests|okhttp", re.I), "A script"),
]
_SYSTEMS = [
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Macintosh|Mac OS X"), "Mac"),
    (re.compile(r"Linux"), "Linux"),
]


def device_name(user_agent: str, *, app: bool = False) -> str:
    """A name a reader recognises, e.g. "Chrome on Windows", from the User-Agent header."""
    ua = user_agent or ""
    browser = next((name for pattern, name in _BROWSERS if pattern.search(ua)), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(ua)), None)
    if app and browser in (None, "A script", "Chrome", "Safari"):
        browser = "Masthead app"
    browser = browser or ("Masthead app" if app else "A browser")
    return f"{browser} on {system}" if system else browser


@lru_cache(maxsize=8)
def _regions(table: tuple[str, ...]) -> list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]]:
    regions = []
    for entry in table:
        cidr, _, region = entry.partition("=")
        regions.append((ipaddress.ip_network(cidr.strip(), strict=False), region.strip()))
    return regions


def coarse_location(ip: str | None) -> str:
    """Where a device is, roughly, from its IP address alone (no external service).

    Private and loopback addresses are "Local network"; a configured range
    (MASTHEAD_IP_REGIONS) gives its region; otherwise the /24 (IPv4) or /48 (IPv6)
    network, never the full address.
    """
    if not ip:
        return "Unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "Unknown"
    if address.is_private or address.is_loopback or address.is_link_local:
        return "Local network"
    for network, region in _regions(tuple(settings.MASTHEAD_IP_REGIONS)):
        if address.version == network.version and address in network:
            return region
    prefix = 24 if address.version == 4 else 48
    return f"Network {ipaddress.ip_network(f'{address}/{prefix}', strict=False)}"


def _session_store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_exists(session_key: str) -> bool:
    return _session_store().exists(session_key)


@dataclass(frozen=True)
class SignedOut:
    """A device that a new sign-in pushed out because of the device limit."""

    name: str
    last_seen: dt.datetime


def record_login(request, user, *, kind: str = Device.Kind.WEB) -> list[SignedOut]:
    """Record the device that just signed in; sign out the least recently used beyond the limit.

    Called after Django's login() rotated the session key, so the key is the new one.
    Returns the devices signed out, for the caller to tell the reader.
    """
    if not request.session.session_key:
        request.session.save()
    now = clock.now()
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    from masthead.access.network import client_ip

    with transaction.atomic():
        Device.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": user,
                "kind": kind,
                "name": device_name(user_agent, app=kind == Device.Kind.APP),
                "user_agent": user_agent,
                "location": coarse_location(client_ip(request)),
                "first_seen": now,
                "last_seen": now,
            },
        )
    cache.set(_seen_key(request.session.session_key), 1, int(settings.MASTHEAD_DEVICE_SEEN_INTERVAL))
    return enforce_limit(user, keep=request.session.session_key)


def live_devices(user) -> list[Device]:
    """The user's devices whose sessions still exist; forgets those that expired or logged out."""
    devices = list(Device.objects.filter(user=user).order_by("-last_seen", "-id"))
    gone = [d for d in devices if not session_exists(d.session_key)]
    if gone:
        Device.objects.filter(pk__in=[d.pk for d in gone]).delete()
        AppToken.objects.filter(session_key__in=[d.session_key for d in gone]).delete()
    return [d for d in devices if d not in gone]


def enforce_limit(user, *, keep: str) -> list[SignedOut]:
    limit = max(1, int(settings.MASTHEAD_DEVICE_LIMIT))
    devices = live_devices(user)
    others = [d for d in devices if d.session_key != keep]
    excess = len(others) + 1 - limit
    if excess <= 0:
        return []
    # Least recently used first.
    victims = sorted(others, key=lambda d: (d.last_seen, d.id))[:excess]
    for device in victims:
        sign_out(device)
    return [SignedOut(d.name, d.last_seen) for d in victims]


def sign_out(device: Device) -> None:
    """End a device's session (browser or app) and forget it; its tokens stop working."""
    _session_store(device.session_key).delete()
    AppToken.objects.filter(session_key=device.session_key).delete()
    cache.delete(_seen_key(device.session_key))
    device.delete()


def sign_out_others(user, *, keep: str | None) -> int:
    """Sign out every device of the user but the one in use; returns how many."""
    devices = [d for d in Device.objects.filter(user=user) if d.session_key != keep]
    for device in devices:
        sign_out(device)
    return len(devices)


def forget_session(session_key: str | None) -> None:
    """The reader logged out here: the device is gone (the session itself is flushed by Django)."""
    if session_key:
        Device.objects.filter(session_key=session_key).delete()
        AppToken.objects.filter(session_key=session_key).delete()


def rekey(old: str, new: str | None) -> None:
    """Django gave this device's session a new key (after a password change): follow it."""
    if new and new != old:
        Device.objects.filter(session_key=old).update(session_key=new)
        AppToken.objects.filter(session_key=old).update(session_key=new)


def _seen_key(session_key: str) -> str:
    return f"accounts:device-seen:{session_key}"


def touch(session_key: str) -> bool:
    """Update last seen, at most once per MASTHEAD_DEVICE_SEEN_INTERVAL per session.

    Nothing on most requests (this process remembers the touch for the interval), one
    shared-cache round trip once per interval per process, and a database write only
    when the interval has passed (cache.add succeeds only for the first request after it
    expires).
    """
    interval = int(settings.MASTHEAD_DEVICE_SEEN_INTERVAL)
    # This process touched (or saw touched) the device within the interval: no round trip
    # to the shared cache either (a subscriber's read makes none).
    seen_here = kept.slot("devices-seen", session_key, local=True, shared=False)
    if seen_here.get() is not kept.MISS:
        return False
    seen_here.put(True, ttl=interval)
    if not cache.add(_seen_key(session_key), 1, interval):
        return False
    Device.objects.filter(session_key=session_key).update(last_seen=clock.now())
    return True
