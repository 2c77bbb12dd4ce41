"""Dates an account shows are the publication's: just after midnight in Kolkata, while UTC
(and the server's TIME_ZONE) is still on the day before."""

from __future__ import annotations

import pytest

from masthead.accounts.entitlements import grant_source
from masthead.accounts.models import OrganisationMember
from masthead.core import clock
from tests.accounts.conftest import log_in
from tests.accounts.factories import OrganisationFactory, ReaderFactory
from tests.content.factories import PublicationFactory
from tests.instants import IST_JUST_AFTER_MIDNIGHT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kolkata_on_a_utc_server(settings):
    settings.TIME_ZONE = "UTC"
    return PublicationFactory(time_zone="Asia/Kolkata")


def test_the_data_export_is_named_by_the_publication_s_date(client, reader):
    log_in(client, reader.email)

    with clock.travel(IST_JUST_AFTER_MIDNIGHT):
        response = client.get("/accounts/data/export/")

    assert response["Content-Disposition"] == 'attachment; filename="my-data-2026-12-02.json"'


def test_a_refused_seat_is_noted_with_the_publication_s_date():
    with clock.travel(IST_JUST_AFTER_MIDNIGHT):
        OrganisationFactory(email_domains="newsroom.example", seat_limit=1)
        first, second = (ReaderFactory(email=f"{n}@newsroom.example") for n in ("a", "b"))
        grant_source(first, now=clock.now())
        grant_source(second, now=clock.now())

    assert OrganisationMember.objects.get(user=second).note == "Seat limit of 1 reached on 2 December 2026"
