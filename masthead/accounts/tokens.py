"""App tokens for the headless API: random, shown once, stored only as SHA-256.

allauth's headless "app" client sends the token in X-Session-Token; each token stands
for one Django session, which is the app's device. Revoking the device deletes the
session and its tokens, so the token stops working on the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from importlib import import_module

from allauth.headless.tokens.strategies.base import AbstractTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction

from masthead.accounts import devices
from masthead.accounts.models import AppToken, Device
from masthead.core import clock


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


class HashedTokenStrategy(AbstractTokenStrategy):
    def create_session_token(self, request) -> str:
        """The app's token for request.session: the one it sent if still valid, else a new one."""
        if not request.session.session_key:
            request.session.save()
        key = request.session.session_key
        sent = self.get_session_token(request)
        if sent and AppToken.objects.filter(token_hash=token_hash(sent), session_key=key).exists():
            return sent
        token = secrets.token_urlsafe(32)
        AppToken.objects.create(token_hash=token_hash(token), session_key=key, created_at=clock.now())
        # A session key replaced at login leaves its old tokens behind: drop them now.
        if sent:
            AppToken.objects.filter(token_hash=token_hash(sent)).exclude(session_key=key).delete()
        if request.session.get(SESSION_KEY):
            Device.objects.filter(session_key=key).update(kind=Device.Kind.APP)
        return token

    def lookup_session(self, session_token: str):
        found = AppToken.objects.filter(token_hash=token_hash(session_token)).values_list("session_key", flat=True)
        key = next(iter(found), None)
        if key is None:
            return None
        session = _store(key)
        session.get(SESSION_KEY)  # loads; a missing or expired session clears the key
        if not session.session_key:
            AppToken.objects.filter(session_key=key).delete()
            return None
        devices.touch(key)
        return session


def user_for_token(token: str):
    """The signed-in user an app token stands for, or None (for Masthead's own API views)."""
    from allauth.core.internal.sessionkit import get_session_user

    session = HashedTokenStrategy().lookup_session(token) if token else None
    return get_session_user(session) if session is not None else None


def api_user(request, token: str):
    """The API's bearer hook (settings.MASTHEAD_API_TOKEN_USER): an app token's user, or None."""
    return user_for_token(token)


def session_key_for(token: str) -> str | None:
    """The session (the app's device) an app token stands for, or None."""
    if not token:
        return None
    return AppToken.objects.filter(token_hash=token_hash(token)).values_list("session_key", flat=True).first()


def refresh(token: str) -> str | None:
    """Swap a valid app token for a new one on the same device; the old one stops working.

    None when the token is unknown or its session has ended (the app signs in again).
    """
    session = HashedTokenStrategy().lookup_session(token) if token else None
    if session is None:
        return None
    new = secrets.token_urlsafe(32)
    with transaction.atomic():
        deleted, _ = AppToken.objects.filter(token_hash=token_hash(token)).delete()
        if not deleted:  # refreshed by a concurrent request meanwhile
            return None
        AppToken.objects.create(token_hash=token_hash(new), session_key=session.session_key, created_at=clock.now())
    return new


def revoke(token: str) -> bool:
    """Sign out the device an app token stands for: its session and every token of it end."""
    key = session_key_for(token)
    if key is None:
        return False
    device = Device.objects.filter(session_key=key).first()
    if device is not None:
        devices.sign_out(device)
    else:
        _store(key).delete()
        AppToken.objects.filter(session_key=key).delete()
    return True
