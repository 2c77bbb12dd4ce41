"""factory_boy factories for content; other apps' tests import these.

Defaults describe the common case a reader meets: a published, metered staff story
whose time has already come.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from masthead.content.models import Article, Author, Publication, Section, Source, Tag
from masthead.core import clock


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication

    name = "The Test Gazette"
    tagline = "News for the test suite"
    time_zone = "Asia/Kolkata"
    currency = "INR"
    locale = "en-IN"
    legal_name = "Test Gazette Media Pvt Ltd (fictional)"
    address = "1 Example Road, Testpur 000000 (fictional)"
    gstin = "00AAAAA0000A0Z0"


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    order = factory.Sequence(lambda n: n)
    is_premium = False
    in_navigation = True


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    bio = factory.LazyAttribute(lambda o: f"{o.name} writes for the test suite.")
    role = "Correspondent"


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    disclaimer = "Disclaimer: No Test Gazette journalist was involved in creation of this content"


class ArticleFactory(DjangoModelFactory):
    """A live metered staff article, published an hour ago.

    Pass ``authors=[...]`` / ``tags=[...]`` to attach people and topics.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Test headline number {n}")
    standfirst = factory.LazyAttribute(lambda o: f"The standfirst of {o.headline.lower()}.")
    body = factory.LazyAttribute(
        lambda o: f"<p>Body text of {o.headline.lower()}, for readers allowed to see it.</p>"
        "<h2>More</h2><p>A second paragraph.</p>"
    )
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: clock.now() - dt.timedelta(hours=1))
    updated_at = None
    access = Article.Access.METERED
    origin = Article.Origin.STAFF

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class WireArticleFactory(ArticleFactory):
    """An agency story carrying its source's disclaimer."""

    origin = Article.Origin.WIRE
    source = factory.SubFactory(SourceFactory)
    source_reference = factory.Sequence(lambda n: f"WIRE-{n:06d}")
