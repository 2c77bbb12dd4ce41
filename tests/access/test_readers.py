"""Readers: the meter cookie, login merging, the per-address cap, the registration wall,
crawlers, entitlements per request and the funnel."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from masthead.access import funnel, reader as readers
from masthead.access.decision import Rules
from masthead.access.login import merge_meter_at_login
from masthead.access.meter.base import get_store
from masthead.access.models import AccessRules, FunnelEvent
from masthead.access.periods import period_key
from masthead.core import clock
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "<p>Open paragraph.</p><p>Gated paragraph.</p>"


def read(client, article, **extra):
    return client.get(article.get_absolute_url(), follow=True, **extra)


def meter_id(client) -> str:
    return readers.read_cookie(client.cookies["mh_meter"].value)[0]


def this_period(publication) -> str:
    return period_key(clock.now(), "month", publication.zone)


def test_a_forged_cookie_is_not_a_meter():
    good = readers.cookie_value("abc123")

    assert readers.read_cookie(good) == ("abc123", False)
    assert readers.read_cookie(good[:-2] + "xx") is None
    assert readers.read_cookie("abc123") is None
    assert readers.read_cookie(readers.cookie_value("abc123", capped=True)) == ("abc123", True)


def test_ipv6_readers_are_capped_per_64_and_ipv4_per_address():
    assert readers.address_block("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert readers.address_block("::ffff:192.0.2.7") == "192.0.2.7"
    assert readers.address_block("192.0.2.7") == "192.0.2.7"
    assert readers.address_block("not an ip") is None


def test_at_login_the_anonymous_reads_join_the_account(publication, registered_reader):
    articles = [ArticleFactory(body=BODY) for _ in range(3)]
    client = Client()
    for a in articles:
        read(client, a)
    request = RequestFactory().get("/accounts/login/")
    request.COOKIES["mh_meter"] = client.cookies["mh_meter"].value

    merge_meter_at_login(None, request=request, user=registered_reader)

    store, period = get_store(), this_period(publication)
    assert store.items(f"u:{registered_reader.pk}", period) == sorted(a.pk for a in articles)
    assert store.used(f"a:{meter_id(client)}", period) == 3


def test_logging_in_through_a_real_login_view_keeps_the_count_and_logging_out_resets_nothing(publication, editor):
    articles = [ArticleFactory(body=BODY) for _ in range(2)]
    client = Client()
    for a in articles:
        read(client, a)
    anonymous = f"a:{meter_id(client)}"

    response = client.post("/admin/login/?next=/admin/", {"username": "edna", "password": "pw-edna-1234"})
    assert response.status_code == 302
    store, period = get_store(), this_period(publication)
    assert store.used(f"u:{editor.pk}", period) == 2
    client.post("/admin/logout/")

    assert store.used(anonymous, period) == 2
    assert "Gated paragraph." in read(client, articles[0]).content.decode()
    assert store.used(anonymous, period) == 2


def test_a_logged_in_reader_is_metered_by_account_on_every_device(publication, registered_reader):
    articles = [ArticleFactory(body=BODY) for _ in range(6)]
    phone, laptop = Client(), Client()
    phone.force_login(registered_reader)
    laptop.force_login(registered_reader)
    for a in articles[:3]:
        read(phone, a)
    for a in articles[3:5]:
        read(laptop, a)

    assert "Gated paragraph." not in read(phone, articles[5]).content.decode()
    assert get_store().used(f"u:{registered_reader.pk}", this_period(publication)) == 5


def test_the_registration_wall_asks_anonymous_readers_for_a_free_account(publication, registered_reader):
    AccessRules.objects.create(registration_wall=2)
    articles = [ArticleFactory(body=BODY) for _ in range(4)]
    client = Client()
    read(client, articles[0])
    read(client, articles[1])

    walled = read(client, articles[2]).content.decode()

    assert "Create a free account to keep reading." in walled
    assert "Gated paragraph." not in walled
    member = Client()
    member.force_login(registered_reader)
    assert "Gated paragraph." in read(member, articles[2]).content.decode()


def test_the_per_address_cap_sends_new_meters_to_registration(publication):
    AccessRules.objects.create(anonymous_meters_per_ip=2)
    article = ArticleFactory(body=BODY)
    pages = [read(Client(), article, REMOTE_ADDR="198.51.100.9").content.decode() for _ in range(3)]

    assert ["Gated paragraph." in p for p in pages] == [True, True, False]
    assert "Create a free account to keep reading." in pages[2]
    assert "Gated paragraph." in read(Client(), article, REMOTE_ADDR="198.51.100.10").content.decode()


class FakeResolver:
    def __init__(self, reverse, forward):
        self.reverse_map, self.forward_map = reverse, forward

    def reverse(self, ip):
        return self.reverse_map.get(ip)

    def forward(self, host):
        return self.forward_map.get(host, set())


GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.mark.parametrize("ip, user_agent, reverse, forward, verified", [
    ("66.249.66.1", GOOGLEBOT, {"66.249.66.1": "crawl-66-249-66-1.googlebot.com"},
     {"crawl-66-249-66-1.googlebot.com": {"66.249.66.1"}}, True),
    ("203.0.113.5", GOOGLEBOT, {}, {}, False),  # the user agent alone
    ("203.0.113.5", GOOGLEBOT, {"203.0.113.5": "crawl.googlebot.com.evil.example"},
     {"crawl.googlebot.com.evil.example": {"203.0.113.5"}}, False),  # wrong domain
    ("203.0.113.5", GOOGLEBOT, {"203.0.113.5": "fake.googlebot.com"},
     {"fake.googlebot.com": {"66.249.66.1"}}, False),  # forward does not confirm
    ("66.249.66.1", "Mozilla/5.0 Firefox", {"66.249.66.1": "crawl-66-249-66-1.googlebot.com"},
     {"crawl-66-249-66-1.googlebot.com": {"66.249.66.1"}}, False),  # no crawler claimed: no lookup
    ("40.77.167.1", "bingbot/2.0", {"40.77.167.1": "msnbot-40-77-167-1.search.msn.com"},
     {"msnbot-40-77-167-1.search.msn.com": {"40.77.167.1"}}, True),
])
def test_crawler_verification(ip, user_agent, reverse, forward, verified):
    from masthead.access.crawlers import is_verified_crawler

    assert is_verified_crawler(ip, user_agent, Rules(), FakeResolver(reverse, forward)) is verified


def test_a_configured_ip_range_is_a_crawler_whatever_its_agent():
    from masthead.access.crawlers import is_verified_crawler

    rules = Rules(crawler_ip_ranges=("192.0.2.0/24",))
    assert is_verified_crawler("192.0.2.77", "curl/8", rules, FakeResolver({}, {})) is True
    assert is_verified_crawler("192.0.3.1", "curl/8", rules, FakeResolver({}, {})) is False


def test_a_verified_crawler_reads_premium_text_with_the_same_structured_data(publication, settings):
    settings.MASTHEAD_CRAWLER_RESOLVER = "tests.access.test_readers.GOOGLE"
    premium = ArticleFactory(body=BODY, access="premium")

    crawler = Client().get(premium.get_absolute_url(), REMOTE_ADDR="66.249.66.1", HTTP_USER_AGENT=GOOGLEBOT)
    pretender = Client().get(premium.get_absolute_url(), REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=GOOGLEBOT)

    assert crawler.status_code == 200
    assert "Gated paragraph." in crawler.content.decode()
    assert "Gated paragraph." not in pretender.content.decode()
    assert '"isAccessibleForFree":false' in crawler.content.decode()
    assert '"isAccessibleForFree":false' in pretender.content.decode()


GOOGLE = FakeResolver({"66.249.66.1": "crawl-66-249-66-1.googlebot.com"},
                      {"crawl-66-249-66-1.googlebot.com": {"66.249.66.1"}})


def test_entitlements_are_computed_once_per_request(rf, settings):
    from masthead.access import entitlements

    calls = []

    def counting_source(user, *, now, ip=None):
        calls.append(ip)
        return set()

    settings.MASTHEAD_ENTITLEMENT_SOURCES = ["tests.access.test_readers.COUNTING"]
    globals()["COUNTING"] = counting_source
    request = rf.get("/", REMOTE_ADDR="192.0.2.1")
    user = AnonymousUser()

    entitlements.for_request(request, user)
    entitlements.for_request(request, user)

    assert calls == ["192.0.2.1"]
    assert entitlements.for_request(rf.get("/"), user) == frozenset()
    assert len(calls) == 2


def test_staff_source_is_not_asked_about_anonymous_readers(settings):
    from masthead.access import entitlements
    from masthead.access.entitlements import staff_source

    assert staff_source.anonymous is False
    assert entitlements.for_reader(AnonymousUser()) == frozenset()


def test_funnel_events_are_buffered_then_written_in_bulk(publication):
    articles = [ArticleFactory(body=BODY) for _ in range(6)]
    client = Client()
    for a in articles:
        read(client, a)
    assert FunnelEvent.objects.count() == 0

    written = funnel.flush()

    assert written == 6
    counts = {(e.kind, e.reason, e.channel): e.count for e in FunnelEvent.objects.all()}
    assert counts == {("metered_read", "", "web"): 5, ("paywall_shown", "limit_reached", "web"): 1}
    read(client, articles[5])
    funnel.flush()
    assert FunnelEvent.objects.get(kind="paywall_shown").count == 2


def test_a_login_from_the_paywall_is_counted(publication, editor):
    client = Client()
    client.post("/admin/login/?next=/admin/&from=paywall", {"username": "edna", "password": "pw-edna-1234"})

    funnel.flush()

    assert FunnelEvent.objects.get(kind="login_from_paywall").count == 1


def test_rules_saved_in_the_admin_apply_at_once(publication, editor):
    from masthead.access.rules import current_rules

    assert current_rules().free_limit == 5
    client = Client()
    client.force_login(editor)
    response = client.post("/admin/access/accessrules/add/", {
        "free_limit": 3, "period": "month", "teaser_paragraphs": 2, "archive_days": 30, "registration_wall": 0,
        "anonymous_meters_per_ip": 0, "crawler_domains": "googlebot.com", "crawler_ip_ranges": "",
    })

    assert response.status_code == 302
    assert (current_rules().free_limit, current_rules().teaser_paragraphs) == (3, 2)
    assert current_rules().crawler_domains == ("googlebot.com",)


def test_clients_that_keep_no_cookie_do_not_use_up_an_address_allowance(publication):
    AccessRules.objects.create(anonymous_meters_per_ip=2)
    article = ArticleFactory(body=BODY)
    for _ in range(10):  # a scraper that never sends the cookie back
        Client().get(article.get_absolute_url(), REMOTE_ADDR="198.51.100.20")

    page = read(Client(), article, REMOTE_ADDR="198.51.100.20").content.decode()

    assert "Gated paragraph." in page


def test_a_cookie_from_the_api_is_counted_against_the_cap_on_its_first_page_read(publication):
    AccessRules.objects.create(anonymous_meters_per_ip=1)
    article = ArticleFactory(body=BODY)
    first = Client()
    read(first, article, REMOTE_ADDR="198.51.100.30")
    second = Client()
    second.get(f"/api/articles/{article.pk}/", REMOTE_ADDR="198.51.100.30")  # cookie, not yet counted

    page = second.get(article.get_absolute_url(), REMOTE_ADDR="198.51.100.30").content.decode()

    assert "Create a free account to keep reading." in page
    assert readers.read_cookie(second.cookies["mh_meter"].value)[1] is True


def test_access_decide_is_the_one_entry():
    import masthead.access
    from masthead.access.service import decide

    assert masthead.access.decide is decide
