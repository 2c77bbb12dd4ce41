"""Staff manage grants, organisations, devices and ad slots in the admin."""

from __future__ import annotations

import pytest

from masthead.accounts.models import ComplimentaryGrant, Device, Organisation
from tests.accounts.conftest import FIREFOX_LINUX, log_in
from tests.accounts.factories import OrganisationFactory, ReaderFactory

pytestmark = pytest.mark.django_db


def test_staff_grant_complimentary_access_and_are_recorded_as_granting(admin_client, admin_user, reader):
    response = admin_client.post(
        "/admin/accounts/complimentarygrant/add/",
        {
            "user": reader.pk,
            "all_benefits": "",
            "benefits": ["ad_free", "premium"],
            "starts_at_0": "2026-12-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "2027-01-01",
            "ends_at_1": "00:00:00",
            "reason": "press",
            "note": "Visiting editor",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    grant = ComplimentaryGrant.objects.get(user=reader)
    assert (grant.granted_by, sorted(grant.benefits), grant.reason) == (admin_user, ["ad_free", "premium"], "press")


def test_a_grant_must_end_after_it_starts(admin_client, reader):
    response = admin_client.post(
        "/admin/accounts/complimentarygrant/add/",
        {
            "user": reader.pk,
            "all_benefits": "on",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "2026-11-01",
            "ends_at_1": "00:00:00",
            "reason": "gift",
        },
    )

    assert response.status_code == 200
    assert "The grant must end after it starts." in response.content.decode()
    assert ComplimentaryGrant.objects.count() == 0


def test_an_organisation_with_a_bad_range_is_refused(admin_client):
    response = admin_client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Newsroom Institute",
            "email_domains": "newsroom.example",
            "ip_ranges": "203.0.113.0/24\n300.1.2.0/24",
            "all_benefits": "on",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "00:00:00",
            "is_active": "on",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Not a CIDR range: 300.1.2.0/24" in response.content.decode()
    assert Organisation.objects.count() == 0


def test_the_admin_says_plainly_when_readers_were_refused_a_seat(admin_client):
    from masthead.accounts.entitlements import grant_source
    from masthead.core import clock

    org = OrganisationFactory(name="Newsroom Institute", email_domains="newsroom.example", seat_limit=1)
    for n in ("a", "b", "c"):
        grant_source(ReaderFactory(email=f"{n}@newsroom.example"), now=clock.now())

    change = admin_client.get(f"/admin/accounts/organisation/{org.pk}/change/").content.decode()
    listing = admin_client.get("/admin/accounts/organisation/").content.decode()

    assert "2 readers were refused: all 1 seats are taken." in change
    assert "Refused: no seat left" in change
    assert "1 / 1" in listing


def test_staff_sign_out_a_readers_device_from_the_admin(admin_client, reader, browser):
    theirs = browser(FIREFOX_LINUX)
    log_in(theirs, reader.email)
    device = Device.objects.get(user=reader)

    admin_client.post(
        "/admin/accounts/device/", {"action": "sign_out", "_selected_action": [device.pk]}
    )

    assert theirs.get("/accounts/").status_code == 302
    assert Device.objects.count() == 0
