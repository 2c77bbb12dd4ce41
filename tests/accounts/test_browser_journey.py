"""The issue's demo, in real browsers with JavaScript off: sign up, two devices, remote sign-out,
complimentary access, export and deletion."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread
PASSWORD = "a-long-reader-passphrase"


@pytest.fixture
def browsers(live_server, settings):
    from pathlib import Path as _Path

    from playwright.sync_api import sync_playwright

    _Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )

        def device(user_agent):
            context = chromium.new_context(
                base_url=live_server.url, java_script_enabled=False, user_agent=user_agent
            )
            context.set_default_timeout(15_000)
            return context.new_page()

        yield device
        chromium.close()


def test_a_reader_signs_up_uses_two_devices_signs_one_out_and_deletes_the_account(browsers, transactional_db):
    from django.core import mail

    from masthead.accounts.models import ComplimentaryGrant, Device
    from masthead.core import clock
    from tests.accounts.conftest import CHROME_WINDOWS, FIREFOX_LINUX

    laptop = browsers(CHROME_WINDOWS)
    laptop.goto("/accounts/signup/")
    laptop.get_by_label("Email").fill("portia@example.com")
    laptop.get_by_label("Password", exact=False).first.fill(PASSWORD)
    laptop.locator("#id_password2").fill(PASSWORD)
    laptop.get_by_role("button", name="Sign Up").click()
    path = re.search(r"http://[^/]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    laptop.goto(path)
    laptop.get_by_role("button", name="Confirm").click()
    laptop.goto("/accounts/")
    assert laptop.get_by_role("heading", name="Your account").is_visible()

    phone = browsers(FIREFOX_LINUX)
    phone.goto("/accounts/login/?next=/accounts/")
    phone.get_by_label("Email").fill("portia@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/accounts/")

    laptop.reload()
    devices = laptop.locator(".device")
    assert devices.count() == 2
    assert "Firefox on Linux" in laptop.content() and "Chrome on Windows" in laptop.content()
    laptop.locator(".device", has_text="Firefox on Linux").get_by_role("button", name="Sign out").click()
    assert "Signed out Firefox on Linux." in laptop.content()
    phone.goto("/accounts/")
    assert "/accounts/login/" in phone.url

    user_id = Device.objects.get().user_id
    ComplimentaryGrant.objects.create(
        user_id=user_id, all_benefits=True, starts_at=clock.now(),
        ends_at=clock.now() + __import__("datetime").timedelta(days=30), reason="press",
    )
    laptop.goto("/accounts/")
    assert "Ad-free reading" in laptop.content()

    laptop.goto("/accounts/data/")
    with laptop.expect_download() as download:
        laptop.get_by_role("link", name="Download my data").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["accounts"]["account"]["email"] == "portia@example.com"

    laptop.get_by_label("Your password").fill(PASSWORD)
    laptop.get_by_label("I understand my account will be deleted").check()
    laptop.get_by_role("button", name="Delete my account").click()
    assert laptop.get_by_role("heading", name="Your account has been deleted").is_visible()
    assert mail.outbox[-1].to == ["portia@example.com"]


def test_a_reader_finds_the_account_area_in_the_header_menu_and_logs_out_from_it(browsers, transactional_db):
    from tests.accounts.conftest import CHROME_WINDOWS
    from tests.accounts.factories import ReaderFactory
    from tests.content.factories import PublicationFactory

    PublicationFactory()
    ReaderFactory(username="rdr-portia", email="portia@example.com")
    page = browsers(CHROME_WINDOWS)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("portia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_text("Successfully signed in as portia@example.com.").is_visible()

    page.goto("/account/")
    assert page.url.endswith("/accounts/")
    page.goto("/")
    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("link", name="Subscription and invoices").click()
    page.wait_for_url("**/accounts/subscription/")
    assert page.get_by_role("heading", name="Your subscription").is_visible()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Your data").click()
    page.wait_for_url("**/accounts/data/")
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Password").click()
    page.wait_for_url("**/accounts/password/change/")

    page.locator(".account-menu summary").click()
    page.locator(".account-menu").get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Log in").is_visible()
    page.goto("/accounts/")
    assert "/accounts/login/" in page.url
