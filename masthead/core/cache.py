"""The one versioned cache: named namespaces, each with a version token.

Every cached value lives under a namespace ("content", "rules", "accounts", "offers",
"reader", ...) and, optionally, a scope inside it (the reader namespace is scoped by the
user's pk). A namespace has a version token; ``remember()`` keeps ``build()``'s result
under the current token, so ``bump()`` retires every entry of the namespace (or scope) at
once without finding them: they are never looked up again and age out.

Who bumps: actions, on commit, and receivers registered in an app's ``AppConfig.ready()``
that do nothing but bump. ``bump()`` changes the token at once *and* again when the
current transaction commits: a reader whose request runs between the two rebuilds from the
old rows, and that entry must not outlive the commit. A transaction writes each token at
most twice (its first bump and its commit), however often it bumps.

Where tokens live, so that every process sees a bump:

- with a shared cache (Redis, memcached), a token is a cache key like any other;
- on the embedded default, Django's cache is per process (locmem) while several server
  workers run, so a token is a small file in the data dir, ``cache-versions/<namespace>``,
  replaced by rename on every bump. Reading it is a ``stat()`` (the file is reread only
  when its inode or mtime changes): cheaper than any IPC and needs no server. A scoped
  namespace would need a file per reader, so scopes share 256 files per namespace by a
  stable hash of the scope: bumping one reader retires the entries of about 1/256 of the
  readers, which costs a rebuild each, never a stale answer.

A process keeps a token it read for ``MASTHEAD_TOKEN_SECONDS`` (default 1 s, 0 under
tests): that is the documented bound on how long another process may serve an entry after
a bump. The bumping process sees its own bump at once.

Values go to Django's cache (shared with Redis) and, with ``local=True``, also to this
process's LRU, the one in-process tier; on the embedded default a local value is kept in
that LRU only (locmem is in-process already; keeping it twice would be two tiers). Entries
carry their own end on the publication clock (``masthead.core.clock``), so tests that move
time see entries expire. Keys must be stable across processes: build them from strings
with ``stable_key()``, never from ``hash()`` or ``id()``.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, Union

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction

from masthead.core import clock

T = TypeVar("T")
Ttl = Union[float, dt.timedelta, Callable[[object], Union[float, dt.timedelta]]]

SCOPE_FILES = 256
LOCAL_ENTRIES = 2048
_UNSET = "0"  # the token of a namespace never bumped (embedded default)


# --- the in-process tier -------------------------------------------------------------------

class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.data: collections.OrderedDict = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.data.get(key)
            if found is not None:
                self.data.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_local = _LRU(LOCAL_ENTRIES)
# (namespace, scope) -> (token, monotonic time it was read)
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
# token file path -> ((inode, mtime, size), token)
_files: dict[Path, tuple[tuple[int, int, int], str]] = {}


# Settings read on every lookup, kept here (LazySettings costs a Python call per read);
# reset() and Django's setting_changed forget them.
_shared: list[bool] = []  # is_shared()
_seconds_memo: list[float] = []  # MASTHEAD_TOKEN_SECONDS


def is_shared() -> bool:
    """True when Django's cache is one store for every process (Redis, memcached)."""
    if not _shared:
        backend = settings.CACHES["default"]["BACKEND"]
        _shared.append(not backend.endswith(("LocMemCache", "DummyCache")))
    return _shared[0]


def settings_changed(setting: str = "", **kwargs) -> None:
    """Connected to Django's setting_changed (CoreConfig.ready()): CACHES decides where tokens live."""
    if setting == "CACHES":
        _shared.clear()
    elif setting == "MASTHEAD_TOKEN_SECONDS":
        _seconds_memo.clear()


# --- keys ----------------------------------------------------------------------------------

def stable_key(*parts) -> str:
    """A key from parts, the same in every process: sets are sorted, None is empty."""
    try:
        return ":".join(parts)  # all strings: the common case
    except TypeError:
        pass
    out = []
    for part in parts:
        if isinstance(part, (set, frozenset)):
            out.append(",".join(sorted(str(p) for p in part)))
        elif isinstance(part, (tuple, list)):
            out.append(",".join(str(p) for p in part))
        elif part is None:
            out.append("")
        else:
            out.append(str(part))
    return ":".join(out)


# --- tokens --------------------------------------------------------------------------------

def _token_key(namespace: str, scope: str) -> str:
    return f"version:{namespace}:{scope}"


def _token_file(namespace: str, scope: str) -> Path:
    folder = settings.DATA_DIR / "cache-versions"
    if not scope:
        return folder / namespace
    return folder / f"{namespace}.{zlib.crc32(scope.encode()) % SCOPE_FILES:02x}"


def _read_token(namespace: str, scope: str) -> str:
    if is_shared():
        name = _token_key(namespace, scope)
        token = django_cache.get(name)
        if token is None:
            django_cache.add(name, uuid.uuid4().hex, timeout=None)
            token = django_cache.get(name) or _UNSET
        return token
    path = _token_file(namespace, scope)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return _UNSET
    signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _files.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    try:
        token = path.read_text() or _UNSET
    except FileNotFoundError:
        return _UNSET
    _files[path] = (signature, token)
    return token


def _write_token(namespace: str, scope: str) -> None:
    token = uuid.uuid4().hex
    if is_shared():
        django_cache.set(_token_key(namespace, scope), token, timeout=None)
    else:
        path = _token_file(namespace, scope)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so no reader ever sees half a token.
        aside = path.with_name(f".{path.name}.{os.getpid()}.{token[:8]}")
        aside.write_text(token)
        os.replace(aside, path)
    _tokens[(namespace, scope)] = (token, time.monotonic())


def version(namespace: str, scope: str = "") -> str:
    """The namespace's (or scope's) current token, as this process may know it.

    Read again from the shared store at most every MASTHEAD_TOKEN_SECONDS.
    """
    if _pins.__dict__.get("tokens"):
        pinned = _pinned_token((namespace, scope))
        if pinned is not None:
            return pinned
    if not _seconds_memo:
        _seconds_memo.append(float(settings.MASTHEAD_TOKEN_SECONDS))
    seconds = _seconds_memo[0]
    known = _tokens.get((namespace, scope))
    now = time.monotonic()
    if known is not None and now - known[1] < seconds:
        return known[0]
    token = _read_token(namespace, scope)
    if seconds > 0:
        _tokens[(namespace, scope)] = (token, now)
    return token


class _CommitBump:
    """The on-commit half of a bump, marked with what it bumps so that a transaction holds one."""

    __slots__ = ("target",)

    def __init__(self, namespace: str, scope: str):
        self.target = (namespace, scope)

    def __call__(self) -> None:
        _pinned().pop(self.target, None)
        _write_token(*self.target)


# Tokens this thread's open transaction gave itself by bumping again: target -> (token, hook).
_pins = threading.local()


def _pinned() -> dict:
    try:
        return _pins.tokens
    except AttributeError:
        _pins.tokens = {}
        return _pins.tokens


def _pending_hook(target: tuple[str, str]) -> _CommitBump | None:
    # Django drops the hooks of a rolled-back transaction or savepoint from run_on_commit (the
    # list TestCase.captureOnCommitCallbacks reads too), so a hook found there belongs to work
    # that will still commit, and its write retires whatever this bump would.
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for _, hook, _ in connection.run_on_commit:
        if isinstance(hook, _CommitBump) and hook.target == target:
            return hook
    return None


def _pinned_token(target: tuple[str, str]) -> str | None:
    pins = _pinned()
    pin = pins.get(target)
    if pin is None:
        return None
    if _pending_hook(target) is pin[1]:
        return pin[0]
    del pins[target]  # its transaction was rolled back
    return None


def bump(namespace: str, scope: str = "") -> None:
    """Retire every entry of the namespace (or of one scope in it): now, and on commit.

    A transaction that already bumped the same namespace (or scope) writes nothing more: its
    first bump's commit write retires every entry built before the commit, and other
    processes see none of its rows until then. This process moves to a token of its own
    for the rest of the transaction, so its own reads see each change at once. One shared
    write per transaction keeps a wire ingest (several saves of one story per item) from
    spending its time renaming token files.
    """
    target = (namespace, scope)
    hook = _pending_hook(target)
    if hook is not None:
        _pinned()[target] = (uuid.uuid4().hex, hook)
        return
    _write_token(namespace, scope)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_CommitBump(namespace, scope))


def bumper(namespace: str) -> Callable[..., None]:
    """A signal receiver that only bumps ``namespace`` (for ``AppConfig.ready()``)."""

    def receiver(sender=None, **kwargs) -> None:
        bump(namespace)

    receiver.__name__ = f"bump_{namespace}"
    return receiver


# --- values --------------------------------------------------------------------------------

MISS = object()  # what Slot.get() returns when nothing servable is kept


def _seconds(ttl: Ttl, value) -> float:
    if callable(ttl):
        ttl = ttl(value)
    if isinstance(ttl, dt.timedelta):
        return ttl.total_seconds()
    return float(ttl)


class Slot:
    """One key under the namespace's token as it was when the slot was taken.

    For callers that look a value up, do their own work and then decide whether to keep
    the result (the page cache keeps only pages the view marked cacheable). The token is
    read once: a value built from rows read before a bump is stored under the old token.
    """

    __slots__ = ("token", "name", "local", "shared")

    def __init__(self, namespace: str, key: str, *, scope: str = "", local: bool = False, shared: bool = True):
        self.token = version(namespace, scope)
        self.name = f"{namespace}:{self.token}:{scope}:{key}"
        self.local = local
        # On the embedded default Django's cache is in-process too: a local value is kept
        # in the one in-process tier only.
        self.shared = shared and (is_shared() or not local)

    def peek(self):
        """The value kept in this process, or MISS (no shared cache read)."""
        entry = _local.get(self.name) if self.local else None
        if entry is not None and entry[0] > clock.timestamp():
            return entry[1]
        return MISS

    def get(self):
        """The value kept, or MISS."""
        entry = _local.get(self.name) if self.local else None
        if entry is None and self.shared:
            entry = django_cache.get(self.name)
            if entry is not None and self.local:
                _local.put(self.name, entry)
        if entry is not None and entry[0] > clock.timestamp():
            return entry[1]
        return MISS

    def put(self, value, *, ttl: Ttl, shared: bool = True) -> None:
        """Keep `value` for `ttl` (seconds, a timedelta, or a function of the value);
        with ``shared=False``, in this process only (a local slot)."""
        seconds = _seconds(ttl, value)
        if seconds <= 0:
            return
        entry = (clock.timestamp() + seconds, value)
        if self.local:
            _local.put(self.name, entry)
        if self.shared and (shared or not self.local):
            django_cache.set(self.name, entry, timeout=max(1, int(seconds) + 1))


def slot(namespace: str, key: str, *, scope: str = "", local: bool = False, shared: bool = True) -> Slot:
    """A Slot for one key (see Slot)."""
    return Slot(namespace, key, scope=scope, local=local, shared=shared)


def remember(namespace: str, key: str, build: Callable[[], T], *, ttl: Ttl, scope: str = "",
             local: bool = False, shared: bool = True) -> T:
    """``build()``'s result, kept under the namespace's current token for ``ttl``.

    ``ttl`` is seconds, a timedelta, or a function of the built value returning one (for
    ends that depend on the data, such as the next scheduled story). A value of None is
    cached like any other. ``local=True`` keeps the value in this process too, for small
    hot values where unpickling from the shared cache would cost more than the lookup;
    ``shared=False`` (with ``local``) keeps it in this process only, for values cheap to
    build but large to send over the network.
    """
    place = Slot(namespace, key, scope=scope, local=local, shared=shared)
    found = place.get()
    if found is not MISS:
        return found
    value = build()
    place.put(value, ttl=ttl)
    return value


def reset() -> None:
    """Forget everything: every value, in this process and in Django's cache, and every token
    this process holds (tests)."""
    django_cache.clear()
    _local.clear()
    _tokens.clear()
    _files.clear()
    _shared.clear()
    _seconds_memo.clear()
    _pinned().clear()
