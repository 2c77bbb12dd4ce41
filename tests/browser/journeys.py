"""Steps a reader takes, shared by the journeys. Each step skips the test, naming the missing
part, when the feature it needs has not landed yet, and fails when a landed feature misbehaves.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.browser.factories import PASSWORD

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
AD_MARKER = "Journey advert: the monsoon sale"
# Distinct browsers, so the account page can tell the two devices apart.
WINDOWS_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Safari/537.36")
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")


def text_of(page) -> str:
    """What a reader sees, with typographic apostrophes made plain."""
    return page.inner_text("body").replace("\u2019", "'")


def path_of(page) -> str:
    return urlsplit(page.url).path


def paywall_text(limit: int) -> str:
    return f"You've reached your limit of {limit} free articles this month"


def set_free_limit(limit: int) -> None:
    """The publisher's rule, as saved in the admin."""
    from masthead.access.models import AccessRules

    AccessRules.objects.update_or_create(pk=1, defaults={"free_limit": limit, "registration_wall": 0})


def seed_plans() -> None:
    from masthead.billing.demo import seed_plans as seed

    seed(progress=lambda line: None)


def place_advert() -> bool:
    """An ad in every slot the page has, so 'no ad slot' means the subscriber's benefit."""
    try:
        from masthead.accounts.models import AdSlot
    except ImportError:
        return False
    for name in ("article-top", "article-bottom", "article-inline", "top", "sidebar"):
        AdSlot.objects.update_or_create(name=name, defaults={"markup": f'<p class="journey-ad">{AD_MARKER}</p>'})
    return True


def open_story(page, story):
    """Open a story as a reader does (the meter's one-time cookie redirect is followed)."""
    response = page.goto(story.get_absolute_url())
    if response.status == 501:
        pytest.skip("needs access: the article page (access/article_page.py) still answers 501")
    assert response.status == 200, f"{story.get_absolute_url()} answered {response.status}"
    assert path_of(page) == story.get_absolute_url()
    return response


def assert_unlocked(page, story, gated_text: str) -> None:
    body = text_of(page)
    assert story.headline in body
    assert gated_text in body, "the full text should be on the page"
    assert "reached your limit" not in body


def assert_gated(page, gated_text: str, *, limit: int | None = None) -> None:
    """The paywall is shown and the gated text is nowhere in the HTML the browser received."""
    body = text_of(page)
    if limit is not None:
        assert paywall_text(limit) in body
    assert gated_text not in page.content(), "a gated page must not hold the gated text"
    assert "Subscribe" in body


def choose_plan(page, code: str) -> None:
    link = page.locator(f'a[href*="plan={code}"]').first
    if not link.count():
        pytest.skip(f"needs access/billing: the paywall has no link to /subscribe/?plan={code}")
    href = link.get_attribute("href")
    assert "next=" in href, f"the plan link should return to the article: {href}"
    link.click()
    page.wait_for_load_state()


def submit(page, form_selector: str = "main form") -> None:
    """Press the form's submit button (a real click, so it works with JavaScript on or off)."""
    form = page.locator(form_selector).last
    button = form.locator('button[type=submit], input[type=submit], button:not([type])').last
    with page.expect_navigation():
        button.click()


def sign_up(page, email: str) -> None:
    """From a login page that came from checkout: follow 'sign up', create the account,
    confirm the address from the e-mail (verification is mandatory) and come back."""
    if "/accounts/login/" in page.url:
        signup = page.locator('a[href*="/accounts/signup/"]').first
        if not signup.count():
            pytest.skip("needs accounts: the login page has no sign-up link")
        signup.click()
        page.wait_for_load_state()
    if page.locator("[name=password1]").count() == 0:
        pytest.skip(f"needs accounts: no sign-up form at {page.url}")
    page.fill("[name=email]", email)
    page.fill("[name=password1]", PASSWORD)
    if page.locator("[name=password2]").count():
        page.fill("[name=password2]", PASSWORD)
    submit(page, "form:has([name=password1])")
    confirm_email(page, email)


def confirm_email(page, email: str) -> None:
    """Open the confirmation link from the e-mail Masthead sent, if it sent one."""
    sent = [m for m in mail.outbox if email in m.to]
    if not sent:
        return
    match = re.search(r"https?://[^\s\"'<>]+/accounts/confirm-email/[^\s\"'<>]+", sent[-1].body)
    if not match:
        return
    page.goto(match.group(0))
    confirm = page.locator("form:has(button[type=submit]), form:has(input[type=submit])")
    if confirm.count():
        submit(page, "main form")


def log_in(page, email: str, next_url: str = "/") -> None:
    response = page.goto(f"/accounts/login/?next={next_url}")
    if response.status == 404:
        pytest.skip("needs accounts: /accounts/login/")
    page.fill("[name=login]", email)
    page.fill("[name=password]", PASSWORD)
    submit(page, "form:has([name=password])")
    assert "/accounts/login/" not in page.url, f"login failed: {text_of(page)[:300]}"


def reach_checkout(page, email: str, plan: str) -> None:
    """From /subscribe/: choose the plan, continue to payment, signing up when asked, until the
    TEST MODE page."""
    for _ in range(6):
        if "TEST MODE" in text_of(page):
            return
        if "/accounts/login/" in page.url or "/accounts/signup/" in page.url:
            sign_up(page, email)
            continue
        chosen = f'main form:has(input[name=plan][value="{plan}"])'
        if page.locator(chosen).count():
            submit(page, chosen)
        elif page.locator("main form").count():
            submit(page)
        else:
            pytest.skip(f"needs billing: no way on from {page.url} to the sandbox checkout")
    pytest.skip(f"needs billing: no TEST MODE checkout page reached (at {page.url})")


def pay(page, card: str) -> None:
    """Fill the sandbox card form and pay."""
    number = page.locator('input[name*="card" i], input[autocomplete="cc-number"]').first
    if not number.count():
        pytest.skip("needs billing: the sandbox checkout has no card number field")
    number.fill(card)
    for selector, value in (('input[autocomplete="cc-exp"], input[name*="exp" i]', "12/30"),
                            ('input[autocomplete="cc-csc"], input[name*="cvc" i], input[name*="cvv" i]', "123"),
                            ('input[autocomplete="cc-name"], input[name*="name" i]', "Journey Reader")):
        field = page.locator(selector).locator("visible=true").first
        if field.count() and not field.input_value():
            field.fill(value)
    submit(page, f"form:has({number_selector(page)})")


def number_selector(page) -> str:
    return 'input[name*="card" i]' if page.locator('input[name*="card" i]').count() else \
        'input[autocomplete="cc-number"]'

