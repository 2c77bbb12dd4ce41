"""Data rights: a reader's whole export, and deleting the account."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from masthead.core import clock
from masthead.content.publication import current_publication, reply_to, sender

CODE_SESSION_KEY = "_masthead_delete_code"
CODE_LIFETIME_SECONDS = 15 * 60


def export_all(user) -> dict:
    """Every module's export (settings.MASTHEAD_PERSONAL_DATA), keyed by module path."""
    data = {"exported_at": clock.now().isoformat()}
    for path in settings.MASTHEAD_PERSONAL_DATA:
        # "masthead.billing.personal_data" -> "billing"
        name = path.split(".")[-2] if path.endswith(".personal_data") else path
        data[name] = import_module(path).export(user)
    return data


def _code_digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def send_deletion_code(request) -> None:
    """E-mail a six-digit code confirming deletion (for readers who log in without a password)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    request.session[CODE_SESSION_KEY] = {"digest": _code_digest(code), "at": clock.now().timestamp()}
    publication = current_publication()
    context = {"code": code, "publication": publication}
    _send(
        f"Your code to delete your account with {publication.name}",
        render_to_string("accounts/email/deletion_code.txt", context),
        request.user.email,
    )


def _send(subject: str, body: str, recipient: str) -> None:
    EmailMessage(subject, body, sender(), [recipient], reply_to=reply_to()).send()


def check_deletion_code(request, code: str) -> bool:
    stored = request.session.get(CODE_SESSION_KEY)
    if not stored or not code:
        return False
    if clock.now().timestamp() - stored["at"] > CODE_LIFETIME_SECONDS:
        return False
    return hmac.compare_digest(stored["digest"], _code_digest(code.strip()))


def delete_account(request) -> None:
    """Delete the signed-in reader's account.

    The confirmation goes to the old address first (after this there is no address);
    then every module erases its part (billing stops renewals and keeps invoices as GST
    law requires), and the user row is anonymised rather than deleted so kept invoices
    and claimed partner codes still point at something.
    """
    user = request.user
    publication = current_publication()
    old_email = user.email
    if old_email:
        _send(
            f"Your account with {publication.name} has been deleted",
            render_to_string("accounts/email/account_deleted.txt", {"publication": publication, "user": user}),
            old_email,
        )
    with transaction.atomic():
        for path in settings.MASTHEAD_PERSONAL_DATA:
            import_module(path).erase(user)
        anonymise(user)
    logout(request)


def anonymise(user) -> None:
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.username = f"deleted-{user.pk}"
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=["email", "first_name", "last_name", "username", "password", "is_active"])
