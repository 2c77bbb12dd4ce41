"""Complimentary grants and group access, by verified domain and by IP, with seat limits."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from masthead.access.benefits import ALL as ALL_BENEFITS, Benefit
from masthead.access.entitlements import for_reader
from masthead.accounts.entitlements import grant_source
from masthead.accounts.models import OrganisationMember
from masthead.core import clock
from tests.accounts.factories import GrantFactory, OrganisationFactory, ReaderFactory

pytestmark = pytest.mark.django_db


def test_a_complimentary_grant_gives_everything_until_it_ends(reader):
    start = clock.now()
    GrantFactory(user=reader, starts_at=start, ends_at=start + dt.timedelta(days=7))

    assert for_reader(reader, now=start + dt.timedelta(days=1)) == ALL_BENEFITS
    with clock.travel(start + dt.timedelta(days=7), frozen=True):
        assert for_reader(reader) == frozenset()
    with clock.travel(start - dt.timedelta(seconds=1), frozen=True):
        assert for_reader(reader) == frozenset()


def test_a_grant_of_some_benefits_gives_only_those(reader):
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free", "archive"])

    assert for_reader(reader) == {Benefit.AD_FREE, Benefit.ARCHIVE}


def test_grants_of_an_inactive_account_give_nothing(reader):
    GrantFactory(user=reader)
    reader.is_active = False
    reader.save()

    assert grant_source(reader, now=clock.now()) == set()


def test_group_access_by_verified_email_domain():
    OrganisationFactory(email_domains="iitb.ac.in\nstudents.iitb.ac.in", all_benefits=False, benefits=["premium"])
    student = ReaderFactory(email="asha@students.iitb.ac.in")

    assert grant_source(student, now=clock.now()) == {Benefit.PREMIUM}
    assert OrganisationMember.objects.get(user=student).email == "asha@students.iitb.ac.in"


def test_group_access_needs_the_address_verified():
    OrganisationFactory(email_domains="iitb.ac.in")
    unverified = ReaderFactory(email="ravi@iitb.ac.in", verified=False)

    assert grant_source(unverified, now=clock.now()) == set()
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    assert grant_source(unverified, now=clock.now()) == set(ALL_BENEFITS)


def test_a_lookalike_domain_does_not_count():
    OrganisationFactory(email_domains="iitb.ac.in")
    outsider = ReaderFactory(email="mallory@fake-iitb.ac.in")

    assert grant_source(outsider, now=clock.now()) == set()


def test_group_access_by_ip_range_for_anonymous_readers(django_assert_num_queries):
    OrganisationFactory(ip_ranges="203.0.113.0/24\n2001:db8::/32", all_benefits=False, benefits=["premium", "archive"])
    anonymous = AnonymousUser()
    grant_source(anonymous, now=clock.now(), ip="8.8.8.8")  # warms the cached directory

    with django_assert_num_queries(0):
        assert grant_source(anonymous, now=clock.now(), ip="203.0.113.77") == {Benefit.PREMIUM, Benefit.ARCHIVE}
        assert grant_source(anonymous, now=clock.now(), ip="2001:db8:1::5") == {Benefit.PREMIUM, Benefit.ARCHIVE}
        assert grant_source(anonymous, now=clock.now(), ip="203.0.114.1") == set()


def test_no_query_for_anonymous_readers_when_no_organisation_has_ranges(django_assert_num_queries):
    OrganisationFactory(email_domains="iitb.ac.in")
    grant_source(AnonymousUser(), now=clock.now(), ip="203.0.113.1")

    with django_assert_num_queries(0):
        assert grant_source(AnonymousUser(), now=clock.now(), ip="203.0.113.1") == set()


def test_a_new_organisation_is_seen_on_the_very_next_request():
    anonymous = AnonymousUser()
    assert grant_source(anonymous, now=clock.now(), ip="203.0.113.9") == set()

    OrganisationFactory(ip_ranges="203.0.113.0/24")

    assert grant_source(anonymous, now=clock.now(), ip="203.0.113.9") == set(ALL_BENEFITS)


def test_organisation_dates_bound_its_access():
    start = clock.now()
    OrganisationFactory(ip_ranges="203.0.113.0/24", starts_at=start, ends_at=start + dt.timedelta(days=30))

    assert grant_source(None, now=start + dt.timedelta(days=29), ip="203.0.113.9") == set(ALL_BENEFITS)
    assert grant_source(None, now=start + dt.timedelta(days=30), ip="203.0.113.9") == set()
    assert grant_source(None, now=start - dt.timedelta(days=1), ip="203.0.113.9") == set()


def test_seats_beyond_the_limit_are_refused_and_noted():
    org = OrganisationFactory(email_domains="newsroom.example", seat_limit=2)
    first, second, third = (ReaderFactory(email=f"{n}@newsroom.example") for n in ("a", "b", "c"))

    assert grant_source(first, now=clock.now()) == set(ALL_BENEFITS)
    assert grant_source(second, now=clock.now()) == set(ALL_BENEFITS)
    assert grant_source(third, now=clock.now()) == set()
    assert grant_source(first, now=clock.now()) == set(ALL_BENEFITS)  # a member keeps the seat

    refusal = OrganisationMember.objects.get(user=third)
    assert refusal.status == "refused"
    assert refusal.note.startswith("Seat limit of 2 reached on ")
    assert OrganisationMember.objects.filter(organisation=org, status="member").count() == 2


def test_a_freed_seat_lets_a_refused_reader_in():
    OrganisationFactory(email_domains="newsroom.example", seat_limit=1)
    first, second = ReaderFactory(email="a@newsroom.example"), ReaderFactory(email="b@newsroom.example")
    grant_source(first, now=clock.now())
    assert grant_source(second, now=clock.now()) == set()

    OrganisationMember.objects.filter(user=first).delete()

    assert grant_source(second, now=clock.now()) == set(ALL_BENEFITS)


def test_seats_count_distinct_readers_not_addresses():
    OrganisationFactory(email_domains="newsroom.example", seat_limit=1)
    reader = ReaderFactory(email="a@newsroom.example")
    EmailAddress.objects.create(user=reader, email="a.other@newsroom.example", verified=True, primary=False)

    assert grant_source(reader, now=clock.now()) == set(ALL_BENEFITS)
    assert OrganisationMember.objects.filter(user=reader).count() == 1


def test_the_client_ip_follows_the_trusted_proxy_setting(settings):
    from django.test import RequestFactory

    from masthead.access.network import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"  # one answer per request, whoever asks
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(RequestFactory().get("/", HTTP_X_REAL_IP="198.51.100.4")) == "198.51.100.4"
    assert client_ip(RequestFactory().get("/", HTTP_X_REAL_IP="junk")) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readers_arriving_together_never_take_more_seats_than_the_limit():
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (MASTHEAD_DATABASE_URL)")
    OrganisationFactory(email_domains="newsroom.example", seat_limit=3)
    readers = [ReaderFactory(email=f"r{n}@newsroom.example") for n in range(8)]
    barrier = threading.Barrier(len(readers))
    granted: list[bool] = []
    errors: list[BaseException] = []

    def arrive(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            granted.append(bool(grant_source(user, now=clock.now())))
        except BaseException as exc:  # surfaced in the assert below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=arrive, args=(r,)) for r in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert granted.count(True) == 3
    assert OrganisationMember.objects.filter(status="member").count() == 3
    assert OrganisationMember.objects.filter(status="refused").count() == 5
