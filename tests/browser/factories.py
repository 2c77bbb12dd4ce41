"""What the journeys need beyond content's factories: stories with a known gated part, readers."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from masthead.content.models import Article
from tests.content.factories import ArticleFactory, AuthorFactory, PublicationFactory, SectionFactory

PASSWORD = "a-Long-journey-9"

__all__ = ["PASSWORD", "ArticleFactory", "PublicationFactory", "SectionFactory", "gated_story", "make_user"]


def gated_line(n: int) -> str:
    """A sentence that only an entitled reader may ever receive."""
    return f"Canary sentence {n} for subscribers: the quarterly ledger shows a surplus."


def gated_story(n: int, *, access: str = Article.Access.METERED, **fields) -> Article:
    """A live story whose first paragraph is the teaser and whose later ones are gated."""
    author = AuthorFactory(name="Asha Rao", slug="asha-rao")
    body = (
        f"<p>Opening paragraph of story {n}, which every reader sees.</p>"
        f"<p>{gated_line(n)}</p>"
        f"<p>Closing paragraph of story {n}, also for readers with access.</p>"
    )
    fields.setdefault("headline", f"Metered story number {n}")
    fields.setdefault("section", SectionFactory(name="Business", slug="business"))
    return ArticleFactory(body=body, access=access, authors=[author], **fields)


def make_user(email: str, *, password: str = PASSWORD, **fields):
    """A reader (or, with is_staff/is_superuser, an editor) who can log in by e-mail or name."""
    User = get_user_model()
    user = User.objects.create_user(
        username=fields.pop("username", email.split("@")[0]), email=email, password=password, **fields
    )
    if apps.is_installed("allauth.account"):  # allauth keeps its own table of verified addresses
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user
