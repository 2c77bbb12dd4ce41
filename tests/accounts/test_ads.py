"""Ad slots: the publisher's markup for most readers, nothing at all for ad-free readers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from masthead.access.entitlements import for_request
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
    assert for_request(request) == frozenset()


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


def test_a_page_with_several_slots_reads_nothing_shared_once_this_process_is_warm(
    monkeypatch, settings, django_assert_num_queries
):
    from django.core.cache import cache

    from masthead.core import cache as versioned

    settings.MASTHEAD_TOKEN_SECONDS = 60  # as served (1 s), but long enough for a slow machine
    for name in ("top", "article", "footer"):
        AdSlotFactory(name=name, markup=f"AD-{name}")
    render_slot(request_for(AnonymousUser()))  # warm this process
    counting = CountingCache(cache)
    monkeypatch.setattr(versioned, "django_cache", counting)
    request = request_for(AnonymousUser(), ip="203.0.113.5")
    page = Template('{% load ads %}{% ad_slot "top" %}{% ad_slot "article" %}{% ad_slot "footer" %}')

    with django_assert_num_queries(0):
        html = page.render(Context({"request": request}))

    assert [html.count(f"AD-{n}") for n in ("top", "article", "footer")] == [1, 1, 1]
    assert counting.reads == 0


# --- ad markup is cleaned with an allow-list, on save and on render --------------------
HOSTILE = (
    '<script>document.title="pwned"</script><img src="https://cdn.example/ad.png" onerror="alert(1)" alt="Ad">'
    '<a href="javascript:alert(2)">x</a><a href="https://shop.example/sale" target="_blank" onclick="alert(3)">Sale</a>'
    '<iframe src="https://evil.example/frame"></iframe><form action="/accounts/email/"><input name="email"></form>'
    '<div style="position:fixed;inset:0;z-index:9999;color:#333">cover</div>'
)


def test_saved_markup_keeps_links_and_images_and_loses_scripts_and_handlers():
    slot = AdSlotFactory(markup=HOSTILE)

    slot.refresh_from_db()
    assert slot.markup == (
        '<img src="https://cdn.example/ad.png" alt="Ad"><a rel="sponsored noopener noreferrer">x</a>'
        '<a href="https://shop.example/sale" target="_blank" rel="sponsored noopener noreferrer">Sale</a>'
        '<div style="color:#333">cover</div>'
    )


def test_markup_stored_without_the_model_is_cleaned_when_rendered(reader):
    AdSlotFactory()
    AdSlot.objects.filter(name="top").update(markup=HOSTILE)  # a row written past save()

    html = render_slot(request_for(reader))

    for unsafe in ["<script", "onerror", "javascript:", "onclick", "evil.example", "<form", "position:fixed"]:
        assert unsafe not in html
    assert '<a href="https://shop.example/sale" target="_blank" rel="sponsored noopener noreferrer">Sale</a>' in html


def test_iframes_are_kept_only_from_the_configured_ad_hosts_and_sandboxed(reader, settings):
    settings.MASTHEAD_AD_HOSTS = ["ads.example.net"]
    AdSlotFactory(markup=(
        '<iframe src="https://ads.example.net/slot/42" width="728" height="90"></iframe>'
        '<iframe src="https://cdn.ads.example.net/slot/43"></iframe>'
        '<iframe src="http://ads.example.net/plain"></iframe>'
        '<iframe src="//ads.example.net/relative"></iframe>'
        '<iframe src="https://ads.example.net.evil.example/x"></iframe>'
        '<iframe src="https://evil.example/?ads.example.net"></iframe>'
    ))

    html = render_slot(request_for(reader))

    sandbox = 'sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"'
    assert html.count("<iframe") == 2
    assert '<iframe src="https://ads.example.net/slot/42" width="728" height="90"' in html
    assert '<iframe src="https://cdn.ads.example.net/slot/43"' in html
    assert (html.count(sandbox), html.count('referrerpolicy="origin"')) == (2, 2)


def test_without_configured_ad_hosts_no_iframe_is_kept(reader, settings):
    settings.MASTHEAD_AD_HOSTS = []
    AdSlotFactory(markup='<p>Ad</p><iframe src="https://ads.example.net/slot/42"></iframe>')

    assert "<iframe" not in render_slot(request_for(reader))


def test_the_demo_house_ads_survive_cleaning_as_they_were():
    from masthead.accounts.demo import MARKUP

    seed_ads(progress=lambda _: None)

    for slot in AdSlot.objects.all():
        assert 'class="house-ad" style="display:flex;' in slot.markup
        assert 'rel="sponsored noopener noreferrer"' in slot.markup
    assert "{headline}" in MARKUP


# --- the admin: markup needs its own permission and is never run there -----------------
def staff_client(*permissions, username="sam"):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-staff-12345", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_adslot", "change_adslot", *permissions]))
    client = Client()
    client.force_login(user)
    return client


def slot_form(slot, **changes):
    return {"name": slot.name, "markup": slot.markup, "width": slot.width, "height": slot.height,
            "is_active": "on", **changes}


def test_staff_without_the_markup_permission_cannot_change_the_markup():
    slot = AdSlotFactory()
    client = staff_client()

    response = client.post(f"/admin/accounts/adslot/{slot.pk}/change/",
                           slot_form(slot, markup="<p>MINE</p>", width=300))

    assert response.status_code == 302
    slot.refresh_from_db()
    assert (slot.markup, slot.width) == ('<div class="test-ad">ACME-AD-MARKUP-7731</div>', 300)


def test_staff_with_the_markup_permission_edit_it_and_are_told_what_was_removed():
    slot = AdSlotFactory()
    client = staff_client("edit_ad_markup")

    response = client.post(f"/admin/accounts/adslot/{slot.pk}/change/",
                           slot_form(slot, markup='<p>NEW</p><img src="https://cdn.example/a.png" onerror="x()">'),
                           follow=True)

    slot.refresh_from_db()
    assert slot.markup == '<p>NEW</p><img src="https://cdn.example/a.png">'
    assert "Removed from the markup: onerror on &lt;img&gt;." in response.content.decode()


def test_the_admin_never_renders_ad_markup():
    slot = AdSlotFactory()
    AdSlot.objects.filter(pk=slot.pk).update(markup='<img src="x" onerror="alert(1)"><b>BOLD-AD</b>')

    for client in (staff_client(), staff_client("edit_ad_markup", username="ada")):
        page = client.get(f"/admin/accounts/adslot/{slot.pk}/change/").content.decode()

        assert "<b>BOLD-AD</b>" not in page
        assert 'onerror="alert(1)"' not in page
        assert "&lt;b&gt;BOLD-AD&lt;/b&gt;" in page  # the source, escaped
        assert '<iframe sandbox="" srcdoc="&lt;img src=&quot;x&quot;' in page


def test_the_markup_permission_exists_for_groups():
    from django.contrib.auth.models import Permission

    assert Permission.objects.get(codename="edit_ad_markup").name == "Can edit the HTML of ad slots"


# --- ad-free readers get no ad box at all, wrappers included ----------------------------
@pytest.fixture
def pages(db):
    """The front page, a section page and an article page, with every slot the templates place."""
    from tests.content.factories import ArticleFactory, PublicationFactory, SectionFactory

    PublicationFactory()
    section = SectionFactory(name="News", slug="news")
    article = ArticleFactory(section=section)
    for name in ("top", "sidebar", "article-top", "article-bottom"):
        AdSlotFactory(name=name, markup=f"<p>AD-{name}</p>")
    return ["/", "/section/news/", article.get_absolute_url()]


def test_readers_with_ads_see_every_slot_in_its_wrapper(reader, client, pages):
    client.force_login(reader)

    home, section, article = (client.get(url).content.decode() for url in pages)

    assert '<div class="wrap"><aside class="ad-slot ad-slot--top"' in home
    assert "AD-sidebar" in home
    assert '<div class="listing__side"><aside class="ad-slot ad-slot--sidebar"' in section
    assert ["AD-article-top" in article, "AD-article-bottom" in article] == [True, True]


def test_ad_free_readers_get_no_ad_and_no_empty_wrapper_on_any_page(reader, client, pages):
    GrantFactory(user=reader, all_benefits=False, benefits=["ad_free"])
    client.force_login(reader)

    for url in pages:
        html = client.get(url).content.decode()

        assert "Advertisement" not in html, url
        assert "AD-" not in html, url
        assert 'class="ad-slot' not in html, url
        assert '<div class="wrap"></div>' not in html, url
        assert "listing__side" not in html, url
