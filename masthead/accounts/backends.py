"""Authentication backends that load a signed-in reader's user row from the versioned cache.

Every signed-in request loads its user (Django's auth middleware); kept under the reader's
version (core.cache namespace "reader", scoped by the user's pk), a subscriber's read costs
no query but the session. Saving or deleting the user bumps that version (a receiver in
AccountsConfig.ready()), so a changed password, a deactivation or a new e-mail is seen on
the reader's next request in every process. Each request gets its own copy of the row.
"""

from __future__ import annotations

import pickle

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from masthead.core import cache

USER_SECONDS = 300


def _cached_user(load, user_id):
    try:
        scope = str(int(user_id))
    except (TypeError, ValueError):
        return load(user_id)
    kept = cache.remember("reader", "user", lambda: pickle.dumps(load(user_id)), ttl=USER_SECONDS, scope=scope,
                          local=True)
    return pickle.loads(kept)


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        return _cached_user(super().get_user, user_id)


class CachedAllauthBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return _cached_user(super().get_user, user_id)
