"""/api/v1/me/newsletters: the signed-in reader's newsletter lists, to join and leave.

The same actions as the account's preferences page (newsletters.actions.join / leave), so
each change is recorded as consent given or withdrawn, with the source "app". A list for
subscribers is refused (403, with where to buy a plan) without the newsletters benefit.
"""

from __future__ import annotations

from django.http import Http404
from ninja import Router

from masthead.access.benefits import Benefit
from masthead.access.entitlements import for_request
from masthead.api.v1 import offers, schemas
from masthead.api.v1.content import Slug
from masthead.api.v1.conventions import answers, problem, respond
from masthead.api.v1.reader import AppToken
from masthead.newsletters import actions
from masthead.newsletters.models import NewsletterList, Signup

router = Router(tags=["Newsletters"], auth=AppToken())


def _preference(newsletter: NewsletterList, joined: set[int], benefits) -> dict:
    return {
        "slug": newsletter.slug, "name": newsletter.name, "description": newsletter.description,
        "cadence": newsletter.cadence, "for_subscribers": newsletter.for_subscribers,
        "joined": newsletter.pk in joined,
        "may_join": not newsletter.for_subscribers or Benefit.NEWSLETTERS in benefits,
        "wording": actions.join_wording(newsletter),
    }


def _joined(user) -> set[int]:
    """The lists the reader's address receives (a sign-up is by address, as on the site)."""
    if not user.email:
        return set()
    return set(Signup.objects.filter(email=actions.normalise(user.email), status=Signup.Status.CONFIRMED)
               .values_list("newsletter_id", flat=True))


def _plans_url() -> str:
    return offers.subscribe_url()


@router.get("/me/newsletters", response=answers(schemas.NewsletterPreferences, 401),
            summary="Every newsletter, and which this reader receives")
def newsletter_list(request):
    user = request.auth
    benefits = for_request(request, user)
    joined = _joined(user)
    return respond(request, {
        "results": [_preference(n, joined, benefits) for n in NewsletterList.objects.filter(is_active=True)],
        "subscribe_url": _plans_url(),
    }, private=True)


# 400: a body that is not JSON at all.
@router.put("/me/newsletters/{slug}",
            response=answers(schemas.NewsletterPreference, 400, 401, 403, 404, 409, etag=False),
            summary="Join a newsletter (joined: true) or leave it (joined: false)")
def choose(request, slug: Slug, choice: schemas.NewsletterChoice):
    user = request.auth
    newsletter = NewsletterList.objects.filter(slug=slug, is_active=True).first()
    if newsletter is None:
        raise Http404(f"No newsletter {slug!r}.")
    benefits = for_request(request, user)
    if not user.email:
        return problem(409, "Add an e-mail address to the account first (on the web, under Account).",
                       kind="email-required")
    if choice.joined:
        try:
            actions.join(newsletter, user, benefits=benefits, source=actions.SOURCE_APP)
        except actions.NotAllowed as refused:
            return problem(403, f"{refused} Subscribe on the web to receive {newsletter.name}.",
                           kind="subscription-required", subscribe_url=_plans_url())
    else:
        signup = Signup.objects.filter(newsletter=newsletter, email=actions.normalise(user.email)).first()
        if signup is not None:
            actions.leave(signup, source=actions.SOURCE_APP)
    return respond(request, _preference(newsletter, _joined(user), benefits), private=True, no_store=True)
