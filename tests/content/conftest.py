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


@pytest.fixture
def staff_in(db):
    """A staff account in one of the newsroom's roles (content.roles): staff_in("Reporter").

    The groups come from migration 0007_newsroom; a test database emptied by an earlier
    transactional test gets them back from the same function."""
    import importlib

    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(role: str, username: str | None = None):
        if not Group.objects.filter(name=role).exists():
            importlib.import_module("masthead.content.migrations.0007_newsroom").create_roles(apps, None)
        name = username or role.lower().replace(" ", "-")
        user = get_user_model().objects.create_user(name, f"{name}@example.com", f"pw-{name}-1234", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
