"""The apps' API, version 1: `/api/v1/`, described by OpenAPI 3.1 at `/api/v1/openapi.json`.

v1 is frozen once released: operations and fields are only ever added. Docs for staff at
`/api/v1/docs` (Swagger UI, served from Masthead's own static files).

Newsletter preferences (/me/newsletters) and ePaper editions (/epaper/editions, with
signed page-image addresses for readers holding the ePaper) were added to v1 as new operations.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.views import openapi_json

from masthead.access.rules import current_rules
from masthead.api.v1 import content, editions, newsletters, offers, reader, schemas, signin
from masthead.api.v1.conventions import PROBLEM_TYPE, BadCursor, Problem, answers, problem, respond

DESCRIPTION = """The JSON API a publisher's apps read: stories, lists, search, the reader's account
and sign-in, with the same entitlements as the site.

- **Tokens**: sign in under `/auth/`; send `meta.session_token` as `Authorization: Bearer <token>`.
  Without one, an article is read as an anonymous reader metered by the `mh_meter` cookie (keep cookies).
- **Paging**: lists answer `next_cursor`; pass it back as `?cursor=`.
- **Caching**: every answer has an `ETag`; send it as `If-None-Match` for a 304. Lists are
  `public, max-age=60`; anything about the reader is `private` and varies on `Authorization, Cookie`.
- **Errors**: RFC 9457 problem details (`application/problem+json`), except under `/auth/`, which
  answers with allauth's envelope.
- **Limits**: per address and per token; over them, 429 with `Retry-After`.
- **Buying**: open an offer's `subscribe_url` on the web (no in-app purchases).
- **Newsletters**: `/me/newsletters` lists every newsletter; `PUT /me/newsletters/{slug}` with
  `{"joined": true|false}` joins or leaves (recorded as consent, source "app").
- **ePaper**: `/epaper/editions/{id}` answers signed page-image addresses to a reader holding the
  ePaper; fetch them with the same `Authorization` header before `images_expire_in` seconds pass.
"""


def _staff_docs(view):
    """The browsable docs are for staff; the schema itself is public (clients are generated from it)."""
    return view if getattr(view, "func", None) is openapi_json else staff_member_required(view)


class MastheadAPI(NinjaAPI):
    _schemas: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated schema, with problem answers under their own media type (built once
        per process: it depends on the code only)."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in self._schemas:
            self._schemas[key] = self._build_schema(path_prefix, path_params)
        return self._schemas[key]

    def _build_schema(self, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                for code, answer in operation.get("responses", {}).items():
                    content_types = answer.get("content", {})
                    body = content_types.get("application/json")
                    if body and body.get("schema", {}).get("$ref", "").endswith("/Problem"):
                        answer["content"] = {PROBLEM_TYPE: body}
                    elif body and str(code) in ("400", "429"):
                        # allauth's own envelope, or Masthead's problem for a body that is not
                        # JSON (400) and the edge's limit (429).
                        content_types[PROBLEM_TYPE] = {"schema": {"$ref": "#/components/schemas/Problem"}}
        schema["components"]["schemas"].setdefault("Problem", Problem.model_json_schema())
        return schema


api = MastheadAPI(
    title="Masthead apps' API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    docs_decorator=_staff_docs,
)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, str(exc) or "Not found.", kind="not-found")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors]
    return problem(422, "Some of the request is not valid.", kind="invalid", errors=errors)


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return problem(422, str(exc), kind="invalid-cursor", errors=[{"loc": ["query", "cursor"], "msg": str(exc)}])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    detail = str(exc) if str(exc) not in ("", "Unauthorized") else "Send a valid app token: Authorization: Bearer <token>."
    response = problem(401, detail, kind="sign-in-required")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(exc.status_code, str(exc))


extras = Router(tags=["Offers"])


@extras.get("/offers", response=answers(list[schemas.Offer]), summary="The plans on sale, to subscribe on the web")
def offer_list(request):
    return respond(request, offers.offers(), private=False)


@extras.get("/paywall", response=answers(schemas.PaywallInfo), summary="What the paywall says, and the plans it shows")
def paywall(request):
    return respond(request, offers.paywall_info(current_rules()), private=False)


api.add_router("/", content.router)
api.add_router("/", extras)
api.add_router("/", reader.router)
api.add_router("/", newsletters.router)
api.add_router("/", editions.router)
api.add_router("/tokens", reader.tokens_router)
api.add_router("/auth", signin.router)
