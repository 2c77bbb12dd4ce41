"""The demo publication: everything `masthead demo` seeds, idempotently."""

from __future__ import annotations

import secrets

from masthead.config import env

EDITOR_USERNAME = "editor"
EDITOR_EMAIL = "editor@demo.masthead.test"


def seed(progress=print) -> dict:
    """Seed (or top up) the demo publication. Safe to run again: nothing is duplicated."""
    from masthead.access.demo import seed_rules
    from masthead.accounts.demo import seed_accounts
    from masthead.analytics.demo import seed_history
    from masthead.billing.demo import seed_offers, seed_plans
    from masthead.content.demo import seed_content
    from masthead.epaper.demo import seed_epaper
    from masthead.newsletters.demo import seed_newsletters
    from masthead.wire.demo import seed_wire

    seed_content(progress=progress)
    seed_rules(progress=progress)
    seed_wire(progress=progress)
    seed_plans(progress=progress)
    seed_offers(progress=progress)
    seed_accounts(progress=progress)
    seed_epaper(progress=progress)
    seed_newsletters(progress=progress)
    seed_history(progress=progress)
    editor = ensure_editor()
    return {"editor": editor, "newsroom": ensure_newsroom(editor[1])}


def archive(count: int, progress_for=None) -> dict:
    """Generate an archive of `count` stories from 1997 to today and index it for search
    (`masthead demo --archive N`); `progress_for(label)` gives each stage its progress bar."""
    from masthead.content.demo_archive import generate_and_index

    return generate_and_index(count, progress_for)


def ensure_editor() -> tuple[str, str]:
    """The demo editor: username and a password generated once and kept in the data dir.

    No fixed password exists anywhere; a deployment that is not a demo never calls this.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model

    credentials = settings.DATA_DIR / "demo-editor.txt"
    User = get_user_model()
    password = credentials.read_text().strip() if credentials.exists() else None
    user = User.objects.filter(username=EDITOR_USERNAME).first()
    if user is None or password is None or not user.check_password(password):
        password = env("DEMO_EDITOR_PASSWORD") or secrets.token_urlsafe(12)
        if user is None:
            user = User(username=EDITOR_USERNAME, email=EDITOR_EMAIL)
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        credentials.write_text(password + "\n")
        credentials.chmod(0o600)
    return EDITOR_USERNAME, password


# People to try the newsroom's roles with (content.roles): username -> role.
NEWSROOM = {"reporter": "Reporter", "deskchief": "Desk chief"}


def ensure_newsroom(password: str) -> list[tuple[str, str]]:
    """A reporter and a desk chief for the demo, with the demo editor's generated password
    (the editor itself is a superuser). Returns (username, role) pairs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    made = []
    for username, role in NEWSROOM.items():
        group = Group.objects.filter(name=role).first()
        if group is None:  # the roles migration has not run: nothing to show
            continue
        user = User.objects.filter(username=username).first() or User(username=username,
                                                                      email=f"{username}@demo.masthead.test")
        user.is_staff, user.is_active = True, True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(group)
        made.append((username, role))
    return made
