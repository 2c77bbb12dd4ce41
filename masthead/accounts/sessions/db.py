"""SESSION_ENGINE for the embedded default: Django's database sessions, kept in-process."""

from django.contrib.sessions.backends import db

from masthead.accounts.sessions import KeptSessionMixin


class SessionStore(KeptSessionMixin, db.SessionStore):
    pass
