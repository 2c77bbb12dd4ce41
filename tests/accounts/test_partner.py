"""Partner codes: CSV upload, one code per reader, never one code to two, the low-pool warning."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from masthead.accounts import partner
from masthead.accounts.models import PartnerCode
from masthead.core import clock
from tests.accounts.conftest import log_in
from tests.accounts.factories import GrantFactory, PartnerCodeFactory, ReaderFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = (clock.now() + dt.timedelta(days=365)).date().isoformat()


def test_a_subscriber_claims_a_code_and_sees_it_again_later(reader, client):
    GrantFactory(user=reader, all_benefits=False, benefits=["partner"])
    PartnerCodeFactory(code="PW-AAAA1")
    log_in(client, reader.email)

    response = client.post("/accounts/partner/claim/", follow=True)

    assert "Your code for Partner Weekly is PW-AAAA1." in response.content.decode()
    assert "PW-AAAA1" in client.get("/accounts/").content.decode()
    assert PartnerCode.objects.get(code="PW-AAAA1").claimed_by == reader


def test_claiming_twice_returns_the_same_code(reader):
    PartnerCodeFactory.create_batch(3)

    first = partner.claim(reader)
    second = partner.claim(reader)

    assert first.pk == second.pk
    assert PartnerCode.objects.filter(claimed_by=reader).count() == 1


def test_a_reader_without_the_partner_benefit_cannot_claim(reader, client):
    PartnerCodeFactory()
    log_in(client, reader.email)

    response = client.post("/accounts/partner/claim/", follow=True)

    assert "Partner access comes with a subscription." in response.content.decode()
    assert PartnerCode.objects.filter(claimed_by__isnull=False).count() == 0


def test_expired_codes_are_never_handed_out(reader):
    PartnerCodeFactory(code="OLD", expires_on=(clock.now() - dt.timedelta(days=1)).date())

    with pytest.raises(partner.PoolEmpty):
        partner.claim(reader)


def test_an_empty_pool_says_so_plainly(reader, client):
    GrantFactory(user=reader)
    log_in(client, reader.email)

    response = client.post("/accounts/partner/claim/", follow=True)

    assert "All partner codes have been handed out for now" in response.content.decode()


def test_the_database_refuses_a_second_code_for_one_reader(reader):
    a, b = PartnerCodeFactory(), PartnerCodeFactory()
    PartnerCode.objects.filter(pk=a.pk).update(claimed_by=reader)

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerCode.objects.filter(pk=b.pk).update(claimed_by=reader)


def test_csv_import_takes_good_rows_and_reports_bad_ones():
    PartnerCodeFactory(partner="Partner Weekly", code="EXISTING")
    csv = (
        "partner,code,expires_on\n"
        f"Partner Weekly,PW-1,{NEXT_YEAR}\n"
        f"Partner Weekly,PW-2,{NEXT_YEAR}\n"
        "Partner Weekly,PW-3,31/03/2027\n"
        f"Partner Weekly,PW-1,{NEXT_YEAR}\n"
        f"Partner Weekly,EXISTING,{NEXT_YEAR}\n"
        "Partner Weekly,PW-OLD,2020-01-01\n"
        "Partner Weekly,PW-5\n"
        f",PW-6,{NEXT_YEAR}\n"
    )

    report = partner.import_csv(csv.encode())

    assert report.imported == 2
    assert report.errors == [
        "Line 4: expiry '31/03/2027' is not a date like 2027-03-31.",
        "Line 5: code PW-1 appears twice in the file.",
        "Line 7: code PW-OLD expired on 1 January 2020.",
        "Line 8: expected 3 columns (partner, code, expires_on), found 2.",
        "Line 9: partner and code are both needed.",
        "Line 6: code EXISTING is already in the pool.",
    ]
    assert sorted(PartnerCode.objects.values_list("code", flat=True)) == ["EXISTING", "PW-1", "PW-2"]


def test_staff_upload_codes_in_the_admin_and_see_the_bad_rows(admin_client):
    upload = SimpleUploadedFile(
        "codes.csv", f"Partner Weekly,PW-10,{NEXT_YEAR}\nPartner Weekly,PW-11,tomorrow\n".encode(), "text/csv"
    )

    response = admin_client.post("/admin/accounts/partnercode/upload/", {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported 1 code(s)." in page
    assert "Line 2: expiry &#x27;tomorrow&#x27; is not a date like 2027-03-31." in page
    assert list(PartnerCode.objects.values_list("code", flat=True)) == ["PW-10"]


def test_the_admin_warns_when_a_pool_runs_low(admin_client, settings):
    settings.MASTHEAD_PARTNER_POOL_LOW = 3
    PartnerCodeFactory.create_batch(2, partner="Partner Weekly")
    PartnerCodeFactory.create_batch(3, partner="Other Daily")

    page = admin_client.get("/admin/accounts/partnercode/").content.decode()

    assert "The Partner Weekly pool is running low: 2 unclaimed code(s) left." in page
    assert "The Other Daily pool is running low" not in page


def test_pool_levels_count_unclaimed_unexpired_codes(reader):
    PartnerCodeFactory.create_batch(2)
    PartnerCodeFactory(expires_on=(clock.now() - dt.timedelta(days=1)).date())
    partner.claim(reader)

    assert partner.pool_levels() == [partner.PoolLevel("Partner Weekly", 1, 1, True)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_readers_claiming_at_once_never_share_a_code():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (MASTHEAD_DATABASE_URL)")
    readers = ReaderFactory.create_batch(16)
    PartnerCodeFactory.create_batch(10)
    barrier = threading.Barrier(len(readers))
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def claim(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            code = partner.claim(user)
            results[user.pk] = code.code
        except partner.PoolEmpty:
            results[user.pk] = "EMPTY"
        except BaseException as exc:  # surfaced in the assert below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=claim, args=(r,)) for r in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    handed = [c for c in results.values() if c != "EMPTY"]
    assert len(handed) == 10
    assert len(set(handed)) == 10
    assert list(results.values()).count("EMPTY") == 6
    assert PartnerCode.objects.filter(claimed_by__isnull=False).count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_reader_claiming_from_many_tabs_gets_one_code():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (MASTHEAD_DATABASE_URL)")
    reader = ReaderFactory()
    PartnerCodeFactory.create_batch(8)
    barrier = threading.Barrier(8)
    results: list[str] = []

    def claim():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(partner.claim(reader).code)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == 8
    assert len(set(results)) == 1
    assert PartnerCode.objects.filter(claimed_by=reader).count() == 1


