"""/api/v1/auth/: sign-in and sign-up, answered by allauth's headless API for apps.

These operations hand the request to allauth's own views (the same ones served under
/_allauth/app/v1/, with Masthead's adapter: verified addresses, the device record and the
device limit, allauth's rate limits), so the apps' sign-in is allauth's, described here
for a generated client. Their answers are allauth's envelope, not problem details:
`{"status": 200, "data": {...}, "meta": {"session_token": "..."}}` when signed in, 401 with
`data.flows` while a step is pending (verify the address, enter the code) and 400 with
`errors` for bad input. Send the pending flow's `meta.session_token` as `X-Session-Token`
to continue it; once signed in, send the token as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

from allauth.headless.account import views as allauth_views
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from masthead.accounts import forms as accounts_forms
from masthead.api.v1.conventions import Problem

router = Router(tags=["Sign-in"])

_APP = {"client": "app"}
_LOGIN = allauth_views.LoginView.as_api_view(**_APP)
_SIGNUP = allauth_views.SignupView.as_api_view(**_APP)
_VERIFY = allauth_views.VerifyEmailView.as_api_view(**_APP)
_REQUEST_CODE = allauth_views.RequestLoginCodeView.as_api_view(
    **_APP, input_class=accounts_forms.RequestLoginCodeInput)
_CONFIRM_CODE = allauth_views.ConfirmLoginCodeView.as_api_view(**_APP)
_SESSION = allauth_views.SessionView.as_api_view(**_APP)


class Envelope(Schema):
    """allauth's answer: `status`, and `data`, `meta` or `errors`."""

    model_config = ConfigDict(extra="allow")

    status: int
    data: dict | None = None
    meta: dict | None = None
    errors: list[dict] | None = None


# 422 is Masthead's own problem answer for a body that is not the shape below.
ENVELOPE = {**{code: Envelope for code in (200, 400, 401, 403, 409, 410, 429)}, 422: Problem}


class Login(Schema):
    email: str = Field(..., max_length=320)
    password: str = Field(..., max_length=4096)


class Signup(Schema):
    email: str = Field(..., max_length=320)
    password: str = Field(..., max_length=4096)


class VerifyEmail(Schema):
    key: str = Field(..., max_length=200, description="The code (or key) from the verification e-mail")


class RequestCode(Schema):
    email: str = Field(..., max_length=320)


class ConfirmCode(Schema):
    code: str = Field(..., max_length=64)


@router.post("/login", response=ENVELOPE, summary="Sign in with e-mail and password: issues an app token")
def login(request, body: Login):
    return _LOGIN(request)


@router.post("/signup", response=ENVELOPE, summary="Create an account (the address is verified next)")
def signup(request, body: Signup):
    return _SIGNUP(request)


@router.post("/email/verify", response=ENVELOPE, summary="Verify the address with the e-mailed code")
def verify_email(request, body: VerifyEmail):
    return _VERIFY(request)


@router.post("/code/request", response=ENVELOPE, summary="E-mail a sign-in code")
def request_code(request, body: RequestCode):
    return _REQUEST_CODE(request)


@router.post("/code/confirm", response=ENVELOPE, summary="Sign in with the e-mailed code: issues an app token")
def confirm_code(request, body: ConfirmCode):
    return _CONFIRM_CODE(request)


@router.get("/session", response=ENVELOPE, summary="Whether the X-Session-Token is signed in")
def session(request):
    return _SESSION(request)
