"""Staff-edited configuration (organisations, ad slots) read once per process.

Each process keeps what it parsed together with the stamp it read from the shared
cache; every use compares that stamp with the shared one (one small cache read) and
saving an organisation or a slot deletes the stamp, so every process rereads on its
next request. This keeps the per-request cost to one cache round trip instead of
unpickling hundreds of ranges or slot markup from the cache on every page.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from masthead.core.memo import ProcessMemo

STAMP_KEY = "accounts:config:stamp"
T = TypeVar("T")

_lock = threading.Lock()
_memo: dict[str, tuple[str, object]] = {}
# The stamp already read for the request being served, so one request reads it once.
_request_stamp: contextvars.ContextVar[str | None] = contextvars.ContextVar("accounts_stamp", default=None)


def lifetime(*, shared: int, local: int) -> int:
    """`shared` seconds when the cache is shared (Redis, memcached), else `local`.

    A per-process cache (the embedded default) cannot carry a deleted stamp to other
    worker processes, so there a stamp lives only briefly.
    """
    backend = settings.CACHES["default"]["BACKEND"].lower()
    return shared if ("redis" in backend or "memcached" in backend) else local


_stamp_memo: ProcessMemo[str] = ProcessMemo()


def current_stamp() -> str:
    known = _request_stamp.get()
    if known is not None:
        return known
    return _stamp_memo.get(_read_stamp)


def _read_stamp() -> str:
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        # Stamp first, then read the database: a save after this point deletes the
        # stamp again, so the next request reloads rather than keeping a stale read.
        cache.add(STAMP_KEY, uuid.uuid4().hex, lifetime(shared=3600, local=5))
        stamp = cache.get(STAMP_KEY) or ""
    return stamp


def request_stamp(request) -> str:
    """The stamp for this request: read from the shared cache once, then kept on it."""
    stamp = getattr(request, "_masthead_config_stamp", None)
    if stamp is None:
        stamp = current_stamp()
        request._masthead_config_stamp = stamp
    return stamp


@contextlib.contextmanager
def serving(request) -> Iterator[None]:
    """Within the block, memoised() uses the request's stamp without another cache read."""
    token = _request_stamp.set(request_stamp(request))
    try:
        yield
    finally:
        _request_stamp.reset(token)


def forget() -> None:
    """Staff changed an organisation or a slot: every process rereads on its next request."""
    _stamp_memo.clear()
    cache.delete(STAMP_KEY)


def memoised(name: str, load: Callable[[], T], *, stamp: str | None = None) -> T:
    """The value `load()` returned under the current stamp, loading again when it changed."""
    stamp = current_stamp() if stamp is None else stamp
    found = _memo.get(name)
    if found is not None and found[0] == stamp:
        return found[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        _memo[name] = (stamp, value)
    return value
