"""How long this app keeps things in the cache."""

from __future__ import annotations

from django.conf import settings


def lifetime(*, shared: int, local: int) -> int:
    """`shared` seconds when the cache is shared (Redis, memcached), else `local`.

    Saving a slot or an organisation forgets the cached copy, which reaches every
    process only when the cache is shared; a per-process cache (the embedded default)
    cannot be forgotten in other worker processes, so there entries live briefly.
    """
    backend = settings.CACHES["default"]["BACKEND"].lower()
    return shared if ("redis" in backend or "memcached" in backend) else local
