"""A reader with group access is told where it comes from and is warned before paying again.

With JavaScript on and off: the story opens without ads, the account and subscription pages
name the organisation, checkout warns and refuses to go on until the reader ticks the box,
and then goes on to the sandbox's payment page.
"""

from __future__ import annotations

import pytest

from masthead.billing.models import Subscription
from masthead.content.models import Article
from tests.browser import journeys as step
from tests.browser.factories import gated_line, gated_story, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "asha@iitb.ac.in"


@pytest.fixture
def member(publication):
    from masthead.accounts.models import Organisation
    from masthead.core import clock

    step.seed_plans()
    step.place_advert()
    Organisation.objects.create(name="IIT Bombay", email_domains="iitb.ac.in",
                                starts_at=clock.now().replace(year=clock.now().year - 1))
    return make_user(EMAIL)


@pytest.fixture
def publication():
    from tests.content.factories import PublicationFactory

    return PublicationFactory(name="The Journey Herald")


def test_a_group_member_is_told_where_access_comes_from_and_pays_only_deliberately(any_page, member):
    story = gated_story(1, access=Article.Access.PREMIUM)
    page = any_page
    step.log_in(page, EMAIL, story.get_absolute_url())
    step.open_story(page, story)
    assert gated_line(1) in step.text_of(page)
    assert step.AD_MARKER not in page.content()

    page.goto("/accounts/")
    assert "Group access from IIT Bombay" in step.text_of(page)
    page.goto("/accounts/subscription/")
    assert "Group access from IIT Bombay" in step.text_of(page)
    assert "You do not need a subscription for these." in step.text_of(page)

    page.goto("/checkout/?plan=smart-quarterly")
    assert "You already have some of this" in step.text_of(page)
    pay = page.get_by_role("button", name="Pay ₹900")
    pay.click()  # the box is not ticked: the browser (or, without it, the server) stops here
    page.wait_for_load_state()
    assert "/checkout/" in page.url
    assert "TEST MODE" not in step.text_of(page)
    assert not Subscription.objects.filter(user=member).exists()

    page.get_by_label("I know I already have this access and want to pay ₹900 anyway").check()
    step.submit(page, "main form:has(input[name=already_have])")
    assert "TEST MODE" in step.text_of(page)
    assert Subscription.objects.filter(user=member, state="pending").count() == 1
