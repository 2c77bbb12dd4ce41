"""Ad slots: the publisher's markup for most readers, nothing at all for ad-free readers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from masthead.accounts.benefits import request_benefits
from masthead.accounts.demo import seed_ads
from masthead.accounts.models import AdSlot
from tests.accounts.conftest import log_in
from tests.accounts.factories import AdSlotFactory, GrantFactory

pytestmark = pytest.mark.django_db

MARKUP = "ACME-AD-MARKUP-7731"


def render_slot(request, name="top") -> str:
    return Template('{% load ads %}{% ad_slot "' + name + '" %}').render(Context({"request": request}))


def request_for(user, ip="127.0.0.1"):
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user
    return request


def test_readers_without_ad_free_get_the_markup_in_a_reserved_box(reader):
    AdSlotFactory()

    html = render_slot(request_for(reader))

    assert MARKUP in html
    assert 'style="min-height:90px;max-width:728px"' in html
    assert 'aria-label="Advertisement"' in html


def test_ad_free_readers_get_nothing_at_all(reader):
    AdSlotFactory()
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free"])

    assert render_slot(request_for(reader)) == ""


def test_a_grant_removes_ads_on_the_very_next_page(reader, client):
    AdSlotFactory()
    log_in(client, reader.email)
    assert MARKUP in render_slot(request_for(reader))

    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free"])

    assert MARKUP not in render_slot(request_for(reader))


def test_group_access_by_ip_makes_pages_ad_free_for_anonymous_readers():
    from tests.accounts.factories import OrganisationFactory

    AdSlotFactory()
    OrganisationFactory(ip_ranges="203.0.113.0/24", all_benefits=False, benefits=["ad_free"])

    assert render_slot(request_for(AnonymousUser(), ip="203.0.113.5")) == ""
    assert MARKUP in render_slot(request_for(AnonymousUser(), ip="198.51.100.5"))


def test_an_unknown_or_inactive_slot_renders_nothing(reader):
    AdSlotFactory(name="sidebar", is_active=False)

    assert render_slot(request_for(reader), "sidebar") == ""
    assert render_slot(request_for(reader), "nowhere") == ""


def test_slots_and_benefits_cost_no_query_for_anonymous_readers_once_warm(django_assert_num_queries):
    AdSlotFactory()
    render_slot(request_for(AnonymousUser()))

    with django_assert_num_queries(0):
        assert MARKUP in render_slot(request_for(AnonymousUser()))


def test_benefits_are_computed_once_per_request(reader, django_assert_num_queries):
    AdSlotFactory(name="top")
    AdSlotFactory(name="footer", markup="FOOTER-AD")
    request = request_for(reader)
    render_slot(request)  # computes and memoises

    with django_assert_num_queries(0):
        render_slot(request, "footer")
    assert request_benefits(request) == frozenset()


def test_editing_a_slot_shows_at_once(reader):
    slot = AdSlotFactory()
    render_slot(request_for(reader))

    slot.markup = "NEW-CAMPAIGN-42"
    slot.save()

    assert "NEW-CAMPAIGN-42" in render_slot(request_for(reader))


def test_seed_ads_is_idempotent():
    assert seed_ads(progress=lambda _: None) == 4
    assert seed_ads(progress=lambda _: None) == 0
    assert sorted(AdSlot.objects.values_list("name", flat=True)) == ["article-bottom", "article-top", "sidebar", "top"]
    assert "http" not in "".join(AdSlot.objects.values_list("markup", flat=True))


def test_seed_accounts_tops_up_without_duplicating():
    from masthead.accounts.demo import DEMO_PARTNER, seed_accounts
    from masthead.accounts.models import Organisation, PartnerCode

    seed_accounts(progress=lambda _: None)
    seed_accounts(progress=lambda _: None)

    assert Organisation.objects.filter(name="Demo University").count() == 1
    assert PartnerCode.objects.filter(partner=DEMO_PARTNER).count() == 60
    assert AdSlot.objects.count() == 4


class CountingCache:
    """The real cache, counting reads (to pin the cost of a page, not to fake anything)."""

    def __init__(self, real):
        self.real, self.reads = real, 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.real.get(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_page_with_several_slots_reads_the_shared_cache_once(monkeypatch, django_assert_num_queries):
    from django.core.cache import cache

    from masthead.accounts import caching

    for name in ("top", "article", "footer"):
        AdSlotFactory(name=name, markup=f"AD-{name}")
    render_slot(request_for(AnonymousUser()))  # warm this process
    counting = CountingCache(cache)
    monkeypatch.setattr(caching, "cache", counting)
    request = request_for(AnonymousUser(), ip="203.0.113.5")
    page = Template('{% load ads %}{% ad_slot "top" %}{% ad_slot "article" %}{% ad_slot "footer" %}')

    with django_assert_num_queries(0):
        html = page.render(Context({"request": request}))

    assert [html.count(f"AD-{n}") for n in ("top", "article", "footer")] == [1, 1, 1]
    assert counting.reads == 1
