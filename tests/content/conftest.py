"""Fixtures for the reader site and admin tests."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.content.factories import PublicationFactory

# A fixed moment for tests that depend on dates: 10:00 in Kolkata on 15 June 2026.
NOON_IST = dt.datetime(2026, 6, 15, 4, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def publication(db):
    """The publication, in Asia/Kolkata."""
    return PublicationFactory()


@pytest.fixture
def editor(db):
    """A staff member who edits content (a superuser, as the demo's editor is)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("edna", "edna@example.com", "pw-edna-1234")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
