"""Schemathesis against the live schema, in the suite: every operation, with and without a
token; no server error, and every answer (status, media type, body, headers) as declared."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from masthead.content.models import Article
from tests.accounts.factories import ReaderFactory
from tests.api.conftest import sign_in
from tests.content.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 8
# A real server always knows the caller's address (the sign-in's limits need it); werkzeug's
# test client sends none unless told.
LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


def _application():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _live_schema() -> dict:
    """The schema /api/v1/openapi.json serves (test_the_fuzzed_schema_is_the_served_one checks
    they are the same): taken from the application, as collecting tests may not use the database."""
    from masthead.api.v1 import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


schema = schemathesis.openapi.from_dict(_live_schema())
schema.app = _application()  # calls go to the WSGI application in this process


@pytest.fixture(autouse=True)
def _stories(db, publication, plans):
    """Stories for the fuzzer to find."""
    section = SectionFactory(name="News", slug="news")
    tag = TagFactory(name="Rupee", slug="rupee")
    author = AuthorFactory(name="Asha Rao", slug="asha-rao")
    for n in range(3):
        ArticleFactory(section=section, tags=[tag], authors=[author], pk=n + 1)
    ArticleFactory(section=section, access=Article.Access.PREMIUM, pk=4)


@pytest.fixture
def in_process():
    """Requests keep the test's database connection open: as Django's test client does, they
    do not close it when they end (asked for last: a test client call reconnects it)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_without_a_token(case, in_process):
    case.call_and_validate(checks=CHECKS, environ_base=LOOPBACK)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_with_a_token(case, reader_token, in_process):
    case.call_and_validate(checks=CHECKS, environ_base=LOOPBACK, headers={"Authorization": f"Bearer {reader_token}"})


@pytest.fixture
def reader_token(db):
    return sign_in(ReaderFactory(email="fuzzed@example.com").email)


def test_the_fuzzed_schema_is_the_served_one(client):
    served = client.get("/api/v1/openapi.json")

    assert served.status_code == 200
    assert served.json() == _live_schema()
    assert served.json()["openapi"] == "3.1.0"
