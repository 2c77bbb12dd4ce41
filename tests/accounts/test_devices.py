"""Devices: names and places, the device limit, signing out remotely, last seen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache

from masthead.accounts import devices
from masthead.accounts.devices import coarse_location, device_name
from masthead.accounts.models import Device
from masthead.core import clock
from tests.accounts.conftest import CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE, log_in, session_store

EDGE_WINDOWS = CHROME_WINDOWS + " Edg/131.0.0.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15"
)

@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (EDGE_WINDOWS, "Edge on Windows"),
        (FIREFOX_LINUX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (SAFARI_MAC, "Safari on Mac"),
        (CHROME_ANDROID, "Chrome on Android"),
        ("", "A browser"),
        ("MastheadApp/2.1 (Android 14)", "Masthead app on Android"),
    ],
)
def test_device_names_come_from_the_user_agent(user_agent, name):
    assert device_name(user_agent) == name

def test_an_app_without_a_telling_user_agent_is_still_called_an_app():
    assert device_name("okhttp/4.12.0", app=True) == "Masthead app"

@pytest.mark.parametrize(
    ("ip", "place"),
    [
        ("127.0.0.1", "Local network"),
        ("192.168.1.20", "Local network"),
        ("10.4.5.6", "Local network"),
        ("::1", "Local network"),
        ("49.37.12.34", "Network 49.37.12.0/24"),
        ("2405:201:abcd:1234::1", "Network 2405:201:abcd::/48"),
        ("not-an-ip", "Unknown"),
        (None, "Unknown"),
    ],
)
def test_coarse_location_never_shows_the_full_address(ip, place):
    assert coarse_location(ip) == place

def test_a_configured_ip_range_names_its_region(settings):
    settings.MASTHEAD_IP_REGIONS = ["49.36.0.0/14=Mumbai", "2405:201::/32=Delhi"]

    assert coarse_location("49.37.12.34") == "Mumbai"
    assert coarse_location("2405:201:abcd::9") == "Delhi"
    assert coarse_location("8.8.8.8") == "Network 8.8.8.0/24"

@pytest.mark.django_db
def test_each_login_is_a_device_listed_on_the_account_page(reader, browser):
    first = browser(CHROME_WINDOWS, "49.37.12.34")
    second = browser(FIREFOX_LINUX, "192.168.1.5")
    log_in(first, reader.email)
    log_in(second, reader.email)

    page = first.get("/accounts/").content.decode()

    assert list(Device.objects.filter(user=reader).order_by("id").values_list("name", "location")) == [
        ("Chrome on Windows", "Network 49.37.12.0/24"),
        ("Firefox on Linux", "Local network"),
    ]
    assert "Chrome on Windows" in page and "Firefox on Linux" in page
    assert page.count("This device") == 1

@pytest.mark.django_db
def test_signing_out_one_device_remotely_ends_its_session(reader, browser):
    laptop, phone = browser(CHROME_WINDOWS), browser(SAFARI_IPHONE)
    log_in(laptop, reader.email)
    log_in(phone, reader.email)
    phone_device = Device.objects.get(name="Safari on iPhone")

    response = laptop.post(f"/accounts/devices/{phone_device.id}/sign-out/")

    assert response.status_code == 302
    assert phone.get("/accounts/").status_code == 302  # back to the login page
    assert laptop.get("/accounts/").status_code == 200
    assert session_store().exists(phone_device.session_key) is False
    assert list(Device.objects.filter(user=reader).values_list("name", flat=True)) == ["Chrome on Windows"]

@pytest.mark.django_db
def test_a_reader_cannot_sign_out_someone_elses_device(reader, browser):
    from tests.accounts.factories import ReaderFactory

    other = ReaderFactory()
    theirs = browser(FIREFOX_LINUX)
    log_in(theirs, other.email)
    mine = browser()
    log_in(mine, reader.email)

    response = mine.post(f"/accounts/devices/{Device.objects.get(user=other).id}/sign-out/")

    assert response.status_code == 404
    assert theirs.get("/accounts/").status_code == 200

@pytest.mark.django_db
def test_sign_out_all_other_devices_keeps_this_one(reader, browser):
    here = browser(CHROME_WINDOWS)
    others = [browser(FIREFOX_LINUX), browser(SAFARI_IPHONE)]
    for b in others:
        log_in(b, reader.email)
    log_in(here, reader.email)

    here.post("/accounts/devices/sign-out-others/")

    assert [b.get("/accounts/").status_code for b in others] == [302, 302]
    assert here.get("/accounts/").status_code == 200
    assert Device.objects.filter(user=reader).count() == 1

@pytest.mark.django_db
def test_signing_in_beyond_the_limit_signs_out_the_least_recently_used_and_says_so(reader, browser, settings):
    settings.MASTHEAD_DEVICE_LIMIT = 2
    start = clock.now()
    oldest, recent = browser(FIREFOX_LINUX), browser(SAFARI_IPHONE)
    with clock.travel(start - dt.timedelta(hours=3), frozen=True):
        log_in(oldest, reader.email)
    with clock.travel(start - dt.timedelta(hours=1), frozen=True):
        log_in(recent, reader.email)

    newest = browser(CHROME_WINDOWS)
    response = log_in(newest, reader.email, follow=True)

    page = response.content.decode()
    assert "You can be signed in on 2 devices at once, so we signed out Firefox on Linux" in page
    assert oldest.get("/accounts/").status_code == 302
    assert recent.get("/accounts/").status_code == 200
    assert sorted(Device.objects.filter(user=reader).values_list("name", flat=True)) == [
        "Chrome on Windows",
        "Safari on iPhone",
    ]

@pytest.mark.django_db
def test_a_device_in_use_is_not_the_one_pushed_out(reader, browser, settings):
    settings.MASTHEAD_DEVICE_LIMIT = 2
    settings.MASTHEAD_DEVICE_SEEN_INTERVAL = 60
    start = clock.now()
    first, second = browser(FIREFOX_LINUX), browser(SAFARI_IPHONE)
    with clock.travel(start - dt.timedelta(hours=3), frozen=True):
        log_in(first, reader.email)
    with clock.travel(start - dt.timedelta(hours=2), frozen=True):
        log_in(second, reader.email)
    cache.clear()  # the interval has passed for both
    with clock.travel(start - dt.timedelta(minutes=5), frozen=True):
        first.get("/accounts/")  # Firefox is used again, so Safari is now the least recent

    log_in(browser(CHROME_WINDOWS), reader.email)

    assert first.get("/accounts/").status_code == 200
    assert second.get("/accounts/").status_code == 302

@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_per_interval(reader, browser, settings, django_assert_num_queries):
    settings.MASTHEAD_DEVICE_SEEN_INTERVAL = 300
    b = browser()
    log_in(b, reader.email)
    key = b.cookies[settings.SESSION_COOKIE_NAME].value

    assert devices.touch(key) is False  # just logged in: nothing to write
    cache.delete(f"accounts:device-seen:{key}")
    later = clock.now() + dt.timedelta(minutes=10)
    with clock.travel(later, frozen=True):
        with django_assert_num_queries(1):
            assert devices.touch(key) is True
        with django_assert_num_queries(0):
            assert devices.touch(key) is False

    assert Device.objects.get(session_key=key).last_seen == later

@pytest.mark.django_db
def test_logging_out_forgets_the_device(reader, browser):
    b = browser()
    log_in(b, reader.email)

    b.post("/accounts/logout/")

    assert Device.objects.filter(user=reader).count() == 0

@pytest.mark.django_db
def test_devices_whose_sessions_expired_are_not_listed_or_counted(reader, browser):
    a, b = browser(CHROME_WINDOWS), browser(FIREFOX_LINUX)
    log_in(a, reader.email)
    log_in(b, reader.email)
    session_store(b.cookies[settings.SESSION_COOKIE_NAME].value).delete()

    assert [d.name for d in devices.live_devices(reader)] == ["Chrome on Windows"]
    assert Device.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
def test_changing_the_password_signs_out_the_other_devices_and_keeps_this_one(reader, browser):
    from tests.accounts.factories import PASSWORD

    here, there = browser(CHROME_WINDOWS), browser(FIREFOX_LINUX)
    log_in(there, reader.email)
    log_in(here, reader.email)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )

    assert response.status_code == 302
    assert there.get("/accounts/").status_code == 302
    page = here.get("/accounts/")
    assert page.status_code == 200
    device = Device.objects.get(user=reader)
    assert (device.name, device.session_key) == ("Chrome on Windows", here.cookies[settings.SESSION_COOKIE_NAME].value)
    assert "This device" in page.content.decode()


@pytest.mark.django_db
def test_resetting_the_password_signs_out_every_device(reader, browser):
    import re

    from django.core import mail

    signed_in = browser(FIREFOX_LINUX)
    log_in(signed_in, reader.email)
    visitor = browser(CHROME_WINDOWS)
    visitor.post("/accounts/password/reset/", {"email": reader.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = visitor.get(link)["Location"]

    visitor.post(form_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})

    assert signed_in.get("/accounts/").status_code == 302
    assert Device.objects.filter(user=reader).count() == 0
