"""Fixtures for wire ingest: a publication, sources with their rules, the shared samples."""

from __future__ import annotations

import pathlib

import pytest

from masthead.core import clock
from tests.content.factories import PublicationFactory, SectionFactory
from tests.instants import ORDINARY_DAY

PROJECT = pathlib.Path(__file__).resolve().parents[2]
SHARED_SAMPLES = PROJECT.parent / "shared" / "wire-samples"
OWN_SAMPLES = pathlib.Path(__file__).parent / "samples"


def shared_samples() -> list[pathlib.Path]:
    """Every agency file in ../shared/wire-samples/ (not the licences or the README)."""
    if not SHARED_SAMPLES.is_dir():
        return []
    return sorted(p for p in SHARED_SAMPLES.rglob("*") if p.is_file() and p.suffix in (".json", ".xml"))


@pytest.fixture(autouse=True)
def _an_ordinary_day():
    with clock.travel(ORDINARY_DAY, frozen=True):
        yield


@pytest.fixture
def publication(db):
    return PublicationFactory()


@pytest.fixture
def news(db):
    return SectionFactory(slug="news", name="News")


@pytest.fixture
def wire(publication, news):
    """An agency whose stories publish as they arrive, bylined "By X, AFP"."""
    from masthead.wire.actions import create_source

    return create_source("AFP", section=news, auto_publish=True, transport="upload")


@pytest.fixture
def desk_wire(publication, news):
    """An agency whose stories land as drafts for an editor."""
    from masthead.wire.actions import create_source

    return create_source("Desk Agency", section=news, auto_publish=False, transport="upload")


def ingest_bytes(wire_source, data: bytes, name: str = "item.json"):
    """Ingest one document's bytes into a source; the run's Tally."""
    from masthead.wire.ingest import ingest_documents
    from masthead.wire.transports.base import Document

    return ingest_documents(wire_source, [Document(name=name, data=data, size=len(data))])


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("edna", "edna@example.com", "pw-edna-1234")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
