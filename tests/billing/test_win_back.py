"""`masthead offers send-win-back`: lapsed subscribers only, once each, with a dry run; the
offer itself is refused to anyone but a lapsed subscriber."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from masthead.billing import actions, redemptions
from masthead.billing.models import Subscription, WinBackSend
from masthead.core import clock
from tests.instants import ORDINARY_DAY

LATER = dt.datetime(2026, 10, 15, 6, 30, tzinfo=dt.timezone.utc)  # ORDINARY_DAY + 4 months: both quarterlies below are over


@pytest.fixture
def readers(make_user, plans, subscribe, django_capture_on_commit_callbacks):
    """Long lapsed (expired by the worker), just lapsed (cancelled, period over), a current
    subscriber and a reader who never paid."""
    quarterly = plans["smart-quarterly"]
    people = {name: make_user(name) for name in ("long_lapsed", "just_lapsed", "current", "never")}
    with clock.travel(ORDINARY_DAY, frozen=True):
        long_sub = actions.cancel_subscription(subscribe(people["long_lapsed"], quarterly))
    with clock.travel(ORDINARY_DAY + dt.timedelta(days=25), frozen=True):
        actions.cancel_subscription(subscribe(people["just_lapsed"], quarterly))
    with clock.travel(LATER - dt.timedelta(days=1), frozen=True):
        subscribe(people["current"], plans["smart-essential"])
    with clock.travel(long_sub.access_until + dt.timedelta(hours=1), frozen=True):
        assert actions.end_finished(long_sub.pk)
    assert Subscription.objects.get(pk=long_sub.pk).state == "expired"
    return people


@pytest.fixture
def comeback(make_offer):
    return make_offer("COMEBACK", name="Come back at half price", purpose="win_back", new_subscribers_only=False)


def _run(*args) -> str:
    out = StringIO()
    with clock.travel(LATER, frozen=True):
        call_command("offers", "send-win-back", "--offer", "comeback", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_names_the_lapsed_subscribers_and_sends_nothing(readers, comeback, mailoutbox):
    mailoutbox.clear()  # the personas' own subscription e-mails
    out = _run("--dry-run")
    assert "would send to long_lapsed@example.in\n  would send to just_lapsed@example.in\n" in out
    assert out.endswith("Dry run: 2 lapsed subscriber(s) would be sent the offer\n")
    assert "win-back   [##############################] 2/2" in out
    assert mailoutbox == [] and WinBackSend.objects.count() == 0


def test_the_send_mails_each_lapsed_subscriber_once_and_a_rerun_sends_nothing(
        readers, comeback, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()  # the personas' own subscription e-mails
    with django_capture_on_commit_callbacks(execute=True):
        assert _run().endswith("2 sent, 0 already sent\n")
    assert sorted(m.to[0] for m in mailoutbox) == ["just_lapsed@example.in", "long_lapsed@example.in"]
    mail = mailoutbox[0]
    assert mail.subject == "Come back to The Daily Masthead: Come back at half price"
    assert f"{settings.MASTHEAD_PUBLIC_URL}/subscribe/?offer=COMEBACK" in mail.body
    assert "₹450 for the first 3 months, then ₹900 every 3 months" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        assert _run().endswith("0 sent, 0 already sent\n")
    assert len(mailoutbox) == 2
    assert WinBackSend.objects.count() == 2


def test_lapsed_since_keeps_only_readers_whose_access_ended_within_those_days(readers, comeback):
    out = _run("--lapsed-since", "10", "--dry-run")
    assert "just_lapsed@example.in" in out and "long_lapsed@example.in" not in out
    assert out.endswith("Dry run: 1 lapsed subscriber(s) would be sent the offer\n")


def test_only_a_win_back_offer_is_sent(db, make_offer):
    make_offer("HALF", purpose="introductory")
    with pytest.raises(CommandError, match="HALF is not a win-back offer"):
        call_command("offers", "send-win-back", "--offer", "HALF", stdout=StringIO())
    with pytest.raises(CommandError, match="No active offer with that code."):
        call_command("offers", "send-win-back", "--offer", "NOPE", stdout=StringIO())


def test_the_win_back_offer_applies_to_lapsed_subscribers_only(readers, comeback, plans):
    quarterly = plans["smart-quarterly"]
    with clock.travel(LATER, frozen=True):
        assert redemptions.check(comeback, readers["long_lapsed"], quarterly) == comeback
        assert redemptions.check(comeback, readers["just_lapsed"], quarterly) == comeback
        for who in ("current", "never"):
            with pytest.raises(redemptions.OfferRefused, match="That offer is for returning subscribers."):
                redemptions.check(comeback, readers[who], quarterly)
