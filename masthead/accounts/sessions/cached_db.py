"""SESSION_ENGINE with Redis: Django's cached database sessions, kept in-process."""

from django.contrib.sessions.backends import cached_db

from masthead.accounts.sessions import KeptSessionMixin


class SessionStore(KeptSessionMixin, cached_db.SessionStore):
    pass
