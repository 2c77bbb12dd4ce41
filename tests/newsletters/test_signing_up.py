"""Joining and leaving lists: double opt-in by signed link, one click when signed in,
subscriber-only lists offered with the plans, consent kept with its wording."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from masthead.core import clock
from masthead.newsletters import actions, tokens
from masthead.newsletters.models import Consent, NewsletterList, Signup
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(publication):
    free = NewsletterList.objects.create(slug="morning-brief", name="The Morning Brief", topic="News",
                                         cadence="daily", description="The day's essential stories.")
    paid = NewsletterList.objects.create(slug="markets-weekly", name="Markets Weekly", topic="Markets",
                                         audience="subscribers", cadence="weekly")
    return free, paid


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Post the sign-up form as a visitor, running what waits for the commit (the e-mail)."""
    def post(client, email, slug="morning-brief"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/newsletters/{slug}/join/", {"email": email})
    return post


def confirmation_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"https?://\S+/newsletters/confirm/\S+/", mail.outbox[0].body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_page_lists_every_list_with_a_way_to_join_each(lists):
    page = Client().get("/newsletters/").content.decode()
    assert "The Morning Brief" in page and "Markets Weekly" in page
    assert 'action="/newsletters/morning-brief/join/"' in page
    assert actions.join_wording(lists[0]) in page
    # A subscriber-only list is offered with a subscription, not by e-mail.
    assert 'action="/newsletters/markets-weekly/join/"' not in page
    assert "comes with a subscription" in page


def test_a_visitor_joins_by_email_and_confirms_by_the_signed_link(lists, ask):
    free, _ = lists
    client = Client()

    response = ask(client, "Visitor@Example.NET")

    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    signup = Signup.objects.get()
    assert (signup.email, signup.status) == ("Visitor@example.net", "pending")
    link = confirmation_link()
    assert link.startswith("https://news.example.com/newsletters/confirm/")
    # Following the link asks for one click (mail scanners follow links; they do not confirm).
    assert "Yes, send me" in client.get(path_of(link)).content.decode()
    assert Signup.objects.get().status == "pending"

    done = client.post(path_of(link))

    assert done.status_code == 200 and "You are subscribed" in done.content.decode()
    signup.refresh_from_db()
    assert signup.status == "confirmed" and abs(clock.now() - signup.confirmed_at) < dt.timedelta(seconds=5)
    consents = list(signup.consents.values_list("action", "source", "wording"))
    assert consents == [
        ("asked", "newsletters page", actions.join_wording(free)),
        ("confirmed", "confirmation e-mail", actions.join_wording(free)),
    ]


def test_an_expired_confirmation_link_is_refused(lists, ask):
    ask(Client(), "late@example.net")
    link = path_of(confirmation_link())

    with clock.travel(tokens.CONFIRM_MAX_AGE + dt.timedelta(minutes=1)):
        response = Client().post(link)

    assert response.status_code == 400 and "expired" in response.content.decode()
    assert Signup.objects.get().status == "pending"


def test_a_link_still_young_enough_works(lists, ask):
    ask(Client(), "prompt@example.net")
    link = path_of(confirmation_link())
    with clock.travel(tokens.CONFIRM_MAX_AGE - dt.timedelta(minutes=1)):
        assert Client().post(link).status_code == 200
    assert Signup.objects.get().status == "confirmed"


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("xy" if not token.endswith("xy") else "zz"),      # signature altered
    lambda token: token.replace(token.split(":")[0], "eyJzIjo5OTksImUiOiJ4QHkuY29tIn0", 1),  # payload swapped
    lambda token: "not-a-token",
    lambda token: "a" * 500,
])
def test_a_forged_confirmation_link_is_refused(lists, forge, ask):
    ask(Client(), "target@example.net")
    token = path_of(confirmation_link()).split("/")[-2]

    response = Client().post(f"/newsletters/confirm/{forge(token)}/")

    assert response.status_code == 400
    assert Signup.objects.get().status == "pending"


def test_an_unsubscribe_link_is_not_a_confirmation_link(lists):
    signup = Signup.objects.create(newsletter=lists[0], email="x@example.net", created_at=clock.now())
    token = tokens.leave_token(signup.pk, signup.email)
    assert Client().post(f"/newsletters/confirm/{token}/").status_code == 400
    assert Signup.objects.get().status == "pending"


def test_an_address_already_receiving_gets_the_same_answer_and_no_email(lists, ask):
    Signup.objects.create(newsletter=lists[0], email="known@example.net", status="confirmed", created_at=clock.now())
    response = ask(Client(), "known@example.net")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 300 + "@example.com"])
def test_a_bad_address_is_refused_with_a_message_and_nothing_kept(lists, email, ask):
    response = ask(Client(), email)
    assert response.status_code == 400
    assert "field__errors" in response.content.decode() or "required" in response.content.decode()
    assert Signup.objects.count() == 0 and mail.outbox == []


def test_a_visitor_cannot_join_a_subscriber_only_list_by_email(lists, ask):
    response = ask(Client(), "free@example.net", "markets-weekly")
    assert response.status_code == 302
    assert Signup.objects.count() == 0 and mail.outbox == []


def test_too_many_sign_ups_for_one_address_are_refused(lists, ask):
    client = Client()
    for _ in range(3):
        assert ask(client, "bomb@example.net").status_code == 200
    assert ask(client, "bomb@example.net").status_code == 429
    assert len(mail.outbox) == 3


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_signed_in_reader_joins_in_one_click_without_an_email(lists, reader):
    client = _signed_in(reader)
    page = client.get("/newsletters/").content.decode()
    assert 'type="email"' not in page.split("The Morning Brief")[1].split("</li>")[0]

    response = client.post("/newsletters/morning-brief/join/", {"next": "/newsletters/"})

    assert response.status_code == 302
    signup = Signup.objects.get()
    assert (signup.email, signup.user, signup.status) == ("rita@example.com", reader, "confirmed")
    assert signup.consents.get().source == "newsletters page"
    assert mail.outbox == []
    assert "You receive this newsletter." in client.get("/newsletters/").content.decode()


def test_a_reader_without_the_benefit_is_offered_the_plans_for_a_subscriber_only_list(lists, reader):
    from masthead.billing.demo import seed_plans

    seed_plans(progress=lambda *_: None)  # the reference plans carry the newsletters benefit
    client = _signed_in(reader)
    card = client.get("/newsletters/").content.decode().split('id="nl-markets-weekly"')[1].split("</li>\n</ul>")[0]
    assert "/subscribe/?plan=smart-essential" in card and "Smart Essential" in card
    response = client.post("/newsletters/markets-weekly/join/")
    assert response.status_code == 302 and Signup.objects.count() == 0


def test_a_subscriber_joins_a_subscriber_only_list(lists, subscriber):
    client = _signed_in(subscriber)
    assert client.post("/newsletters/markets-weekly/join/").status_code == 302
    assert Signup.objects.get().status == "confirmed"


def test_the_account_preferences_page_joins_and_leaves(lists, reader):
    client = _signed_in(reader)
    page = client.get("/accounts/newsletters/")
    assert page.status_code == 200 and "Your newsletters" in page.content.decode()
    assert 'href="/accounts/newsletters/" aria-current="page"' in page.content.decode()

    client.post("/newsletters/morning-brief/join/", {"next": "/accounts/newsletters/"})
    assert Signup.objects.get().consents.get().source == "account preferences"
    client.post("/newsletters/morning-brief/leave/", {"next": "/accounts/newsletters/"})

    signup = Signup.objects.get()
    assert signup.status == "left"
    assert list(signup.consents.values_list("action", flat=True)) == ["confirmed", "withdrawn"]


def test_the_preferences_page_needs_a_login(lists):
    response = Client().get("/accounts/newsletters/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_visitor_who_left_can_join_again_by_confirming_again(lists, ask):
    signup = Signup.objects.create(newsletter=lists[0], email="back@example.net", status="left", created_at=clock.now())
    ask(Client(), "back@example.net")
    assert Signup.objects.get(pk=signup.pk).status == "pending"
    Client().post(path_of(confirmation_link()))
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"
    assert Consent.objects.filter(signup=signup).count() == 2
