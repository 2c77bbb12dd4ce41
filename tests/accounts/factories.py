"""Factories for readers and their accounts' records."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from masthead.accounts.models import AdSlot, ComplimentaryGrant, Organisation, PartnerCode
from masthead.core import clock

PASSWORD = "a-long-reader-passphrase"


class ReaderFactory(DjangoModelFactory):
    """A registered reader with a verified primary e-mail address."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=extracted is not False)


class GrantFactory(DjangoModelFactory):
    class Meta:
        model = ComplimentaryGrant

    user = factory.SubFactory(ReaderFactory)
    all_benefits = True
    starts_at = factory.LazyFunction(lambda: clock.now() - dt.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: clock.now() + dt.timedelta(days=30))
    reason = ComplimentaryGrant.Reason.PRESS


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Institute {n}")
    email_domains = ""
    ip_ranges = ""
    seat_limit = None
    all_benefits = True
    starts_at = factory.LazyFunction(lambda: clock.now() - dt.timedelta(days=1))
    ends_at = None


class AdSlotFactory(DjangoModelFactory):
    class Meta:
        model = AdSlot
        django_get_or_create = ("name",)

    name = "top"
    markup = '<div class="test-ad">ACME-AD-MARKUP-7731</div>'
    width = 728
    height = 90


class PartnerCodeFactory(DjangoModelFactory):
    class Meta:
        model = PartnerCode

    partner = "Partner Weekly"
    code = factory.Sequence(lambda n: f"PW-{n:05d}")
    expires_on = factory.LazyFunction(lambda: (clock.now() + dt.timedelta(days=365)).date())
    uploaded_at = factory.LazyFunction(clock.now)
