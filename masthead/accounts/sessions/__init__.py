"""Session stores that keep a signed-in reader's session in this process between requests.

Loading the session is the one query (or Redis round trip) left on a subscriber's read,
plus decoding its signed data. These stores (SESSION_ENGINE, `db` on the embedded default,
`cached_db` with Redis) keep the decoded session of a signed-in reader in the versioned
cache's in-process tier, valid while that reader's version (core.cache namespace "reader",
scope = user pk) is the one read *before* the session was loaded. Everything that ends or
changes a session bumps that version: signing out a device or logging out deletes the
device (a receiver bumps), a new password saves the user (a receiver bumps), and saving or
deleting a session here bumps it too. Another process sees the bump within
MASTHEAD_TOKEN_SECONDS, the same bound as every other kept value; an entry also lives no
longer than SESSION_SECONDS.

A session seen for the first time (or without a signed-in user) is loaded normally: the
reader's pk is not known before the load, so there is no version to check it against yet.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY

from masthead.core import cache

SESSION_SECONDS = 60
NAMESPACE = "reader"


def _user_scope(data) -> str | None:
    value = data.get(SESSION_KEY) if data else None
    return str(value) if value not in (None, "") else None


class KeptSessionMixin:
    """load() from this process when the reader's version is unchanged; bump on every write."""

    def _slot(self):
        return cache.slot("sessions", self.session_key or "", local=True, shared=False)

    def load(self):
        slot = self._slot() if self.session_key else None
        kept = slot.get() if slot is not None else cache.MISS
        if kept is not cache.MISS:
            scope, token, data = kept
            if token is not None and cache.version(NAMESPACE, scope) == token:
                return dict(data)
        # The reader this session belonged to when last seen, and their version now, read
        # *before* loading: a change after this point retires what is kept below.
        scope = kept[0] if kept is not cache.MISS else None
        token = cache.version(NAMESPACE, scope) if scope else None
        data = super().load()
        now_scope = _user_scope(data)
        if slot is not None and now_scope is not None:
            slot.put((now_scope, token if now_scope == scope else None, dict(data)), ttl=SESSION_SECONDS)
        return data

    def save(self, must_create=False):
        super().save(must_create=must_create)
        self._changed(_user_scope(getattr(self, "_session_cache", None)))

    def delete(self, session_key=None):
        key = session_key or self.session_key
        kept = cache.slot("sessions", key or "", local=True, shared=False).get() if key else cache.MISS
        super().delete(session_key)
        self._changed(kept[0] if kept is not cache.MISS else None)

    def _changed(self, scope: str | None) -> None:
        if scope is not None:
            cache.bump(NAMESPACE, scope)
