"""ePaper fixtures: PDFs the tests make, a published edition, and the readers who matter.

Personas: an anonymous visitor; Meera, a metered reader (a free account); Sunil, who
subscribes to a plan with the ePaper (Smart Essential); Paresh, whose plan has premium
stories but no ePaper.
"""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.core import clock
from masthead.epaper.pdfs import Story, edition_pdf
from tests.instants import ORDINARY_DAY

# Only a reader with the ePaper may ever receive these words (they are on page 2).
CANARY = "Zanzibar harmonium regatta postponed indefinitely"
CANARY_WORDS = ["Zanzibar", "harmonium", "regatta"]
FRONT_HEADLINE = "Monsoon reaches Kerala three days early"


def make_pdf(pages: int = 3, *, canary: str = CANARY, password: str | None = None, date_line: str = "15 June 2026") -> bytes:
    """A newspaper PDF of `pages` pages with real text; page 2 carries the canary."""
    body = "The district collector said relief camps would stay open until the rains ease."
    layout = [[Story(FRONT_HEADLINE, [body, body]), Story("Markets close higher", [body])]]
    for number in range(2, pages + 1):
        stories = [Story(f"Inner story on page {number}", [body, body])]
        if number == 2:
            stories.append(Story("Harbour news", [f"{canary}, officials said."]))
        layout.append(stories)
    return edition_pdf(publication="The Test Gazette", date_line=date_line, edition="Main", pages=layout,
                       password=password)


def corrupt_pdf() -> bytes:
    """A PDF cut short: it starts as one, but its body and cross-reference table are gone."""
    whole = make_pdf(2)
    return whole[: len(whole) // 3]


@pytest.fixture(autouse=True)
def _epaper_files(tmp_path, settings, monkeypatch):
    """Each test keeps its ePaper files in a folder of its own; the clock at a named instant.
    Pages are drawn smaller than in production (the same code, a quarter of the pixels), which
    keeps the suite quick; the benchmark measures the production sizes."""
    from masthead.epaper import processing

    monkeypatch.setattr(processing, "SIZES", {"thumb": 120, "screen": 550, "zoom": 1000})
    settings.STORAGES = {**settings.STORAGES, "epaper": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "epaper"), "base_url": None},
    }}
    with clock.travel(ORDINARY_DAY):
        yield


@pytest.fixture
def publication(db):
    from tests.content.factories import PublicationFactory

    return PublicationFactory()


@pytest.fixture
def today(publication):
    return publication.local(clock.now()).date()


@pytest.fixture
def publish_edition(db, publication, django_capture_on_commit_callbacks):
    """Receive a PDF and process it (the task runs at once under tests)."""
    from masthead.epaper import actions

    def publish(data: bytes | None = None, *, date: dt.date | None = None, name: str = "Main", **options):
        with django_capture_on_commit_callbacks(execute=True):
            edition = actions.receive_edition(date=date or publication.local(clock.now()).date(), name=name,
                                              data=data if data is not None else make_pdf(), **options)
        edition.refresh_from_db()
        return edition

    return publish


@pytest.fixture
def edition(publish_edition):
    return publish_edition()


@pytest.fixture
def plans(db, publication):
    from masthead.billing.demo import seed_plans
    from masthead.billing.models import Plan

    seed_plans(progress=lambda line: None)
    Plan.objects.create(code="premium-only", name="Premium Only", price=50000, term_months=1,
                        benefits=["premium", "archive"], display_order=9)
    return {plan.code: plan for plan in Plan.objects.all()}


def _subscribe(user, plan):
    from masthead.billing.models import Subscription

    now = clock.now()
    Subscription.objects.create(
        user=user, plan=plan, state=Subscription.State.ACTIVE, gateway="sandbox",
        current_period_start=now, current_period_end=now + dt.timedelta(days=365),
        access_until=now + dt.timedelta(days=365), created_at=now, updated_at=now)
    return user


@pytest.fixture
def make_reader(db):
    from django.contrib.auth import get_user_model

    def make(username: str):
        return get_user_model().objects.create_user(username, f"{username}@example.in", f"pw-{username}-1234")

    return make


@pytest.fixture
def metered_reader(make_reader):
    """Meera: a free account, reading on the meter."""
    return make_reader("meera")


@pytest.fixture
def subscriber(make_reader, plans):
    """Sunil: Smart Essential, which includes the ePaper."""
    return _subscribe(make_reader("sunil"), plans["smart-essential"])


@pytest.fixture
def premium_only_subscriber(make_reader, plans):
    """Paresh: a plan with premium stories and the archive, but not the ePaper."""
    return _subscribe(make_reader("paresh"), plans["premium-only"])


@pytest.fixture
def subscriber_client(subscriber):
    from django.test import Client

    client = Client()
    client.force_login(subscriber)
    return client
