"""Prepare the readers the benchmark impersonates, against a running server.

Run as ``python -m bench.prepare --base http://127.0.0.1:PORT`` with the same MASTHEAD_*
environment as the server; prints JSON: the URLs under test and a Cookie header for each
reader, obtained the way a browser obtains them (plain HTTP requests, following the meter's
cookie redirect), plus the ORM for the subscriber's account.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PAYWALL_PHRASE = "reached your limit"
SUBSCRIBER_EMAIL = "bench-subscriber@bench.masthead.test"
SUBSCRIBER_PASSWORD = "bench-Subscriber-2026"


class Browser:
    """A cookie-keeping HTTP client: what a browser does that matters to the meter."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) masthead-bench"),
                                  ("Accept", "text/html")]

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, final URL and body, following redirects as a browser does."""
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl(), exc.read().decode("utf-8", "replace")

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl(), exc.read().decode("utf-8", "replace")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def ensure_articles(notes: list[str]) -> None:
    """The demo normally has hundreds of stories; if it has none, make a few to measure."""
    from masthead.content.models import Article, Section
    from masthead.core import clock

    if Article.objects.live().filter(access=Article.Access.METERED).count() >= 12 and \
            Article.objects.live().filter(access=Article.Access.FREE).exists():
        return
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    body = "".join(f"<p>Paragraph {i} of a benchmark story, long enough to look like news copy. "
                   + "The quick brown fox reports on the markets. " * 8 + "</p>" for i in range(10))
    now = clock.now()
    for n in range(13):
        Article.objects.create(
            headline=f"Benchmark story {n}", body=body, section=section, standfirst="A story to measure.",
            status=Article.Status.PUBLISHED, published_at=now - dt.timedelta(hours=n + 1),
            access=Article.Access.FREE if n == 0 else Article.Access.METERED,
        )
    notes.append("the demo had too few live stories, so the benchmark created 13 of its own")


def candidates(access: str) -> list[str]:
    """Recent live stories of one access level outside premium sections (newest first)."""
    from masthead.content.models import Article

    stories = (Article.objects.live().filter(access=access, section__is_premium=False)
               .select_related("section").order_by("-published_at")[:60])
    return [story.get_absolute_url() for story in stories]


def looks_gated(body: str) -> bool:
    return PAYWALL_PHRASE in body.replace("\u2019", "'")


def metered_counted(base: str, metered: list[str], notes: list[str]) -> tuple[str, str, str]:
    """A new reader opens a metered story once; re-reading it later is 'already counted'."""
    for url in metered:
        reader = Browser(base)
        status, _, body = reader.get(url)
        if status == 200 and not looks_gated(body):
            return url, reader.cookie_header(), body
    notes.append(f"no metered story opened free for a new reader (last status {status})")
    return metered[0], reader.cookie_header(), body


def gated(base: str, metered: list[str], notes: list[str]) -> tuple[str, str, int]:
    """A new reader opens distinct metered stories until the paywall: that cookie is 'gated'."""
    reader = Browser(base)
    for n, url in enumerate(metered, start=1):
        status, _, body = reader.get(url)
        if looks_gated(body):
            return url, reader.cookie_header(), n - 1
    notes.append(f"no paywall after {len(metered)} distinct metered stories (last status {status})")
    return metered[-1], reader.cookie_header(), len(metered)


def make_subscriber(notes: list[str]):
    """An account holding a subscription's benefits, made the way the billing code allows."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(email=SUBSCRIBER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(username="bench-subscriber", email=SUBSCRIBER_EMAIL,
                                        password=SUBSCRIBER_PASSWORD)
    from django.apps import apps

    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=SUBSCRIBER_EMAIL,
                                           defaults={"primary": True, "verified": True})
    how = subscribe(user)
    if how is None:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        how = "a staff account (billing has no subscriptions yet)"
    notes.append(f"subscriber: {how}")
    return user


def subscribe(user) -> str | None:
    """Give `user` an active, paid-through subscription row (as a confirmed checkout leaves it).

    Written with the ORM because the benchmark measures reading, not buying; the fields are
    filled by name so the row matches whatever billing's model holds.
    """
    try:
        from masthead.billing.models import Plan, Subscription
    except ImportError:
        return None
    from masthead.core import clock

    plan = Plan.objects.filter(is_active=True).order_by("display_order").first()
    if plan is None:
        return None
    now = clock.now()
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=365)
    wanted = {"user": user, "plan": plan, "state": "active", "status": "active", "gateway": "sandbox",
              "current_period_start": start, "current_period_end": end, "access_until": end,
              "created_at": start, "updated_at": start}
    fields = {f.name for f in Subscription._meta.get_fields()}
    Subscription.objects.create(**{k: v for k, v in wanted.items() if k in fields})
    return f"an active {plan.name} subscription (ORM row, paid through {end:%Y-%m-%d})"


def subscriber_cookie(base: str, user, notes: list[str]) -> str:
    """Log in through the login form (CSRF and all); fall back to a session made with the ORM."""
    reader = Browser(base)
    status, _, page = reader.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status == 200 and token:
        fields = {"csrfmiddlewaretoken": token.group(1), "password": SUBSCRIBER_PASSWORD}
        fields["login" if 'name="login"' in page else "username"] = (
            SUBSCRIBER_EMAIL if 'name="login"' in page else user.get_username())
        reader.post("/accounts/login/", fields)
        if reader.cookie("sessionid"):
            notes.append("subscriber session: logged in through /accounts/login/")
            return reader.cookie_header()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string
    from django.conf import settings

    store: SessionBase = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    notes.append("subscriber session: made with the session store (the login form was not usable)")
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def prepare(base: str) -> dict:
    import django

    django.setup()
    notes: list[str] = []
    ensure_articles(notes)
    from masthead.content.models import Article

    free = candidates(Article.Access.FREE)
    metered = candidates(Article.Access.METERED)
    metered_url, metered_cookie, metered_page = metered_counted(base, metered, notes)
    # Read it once more so the wrk run measures "already counted", not the first read.
    gated_url, gated_cookie, free_reads = gated(base, [u for u in metered if u != metered_url] or metered, notes)
    user = make_subscriber(notes)
    return {
        "free_url": free[0] if free else metered_url,
        "metered_url": metered_url,
        "gated_url": gated_url,
        "home_url": "/",
        "cookies": {
            "metered": metered_cookie,
            "gated": gated_cookie,
            "subscriber": subscriber_cookie(base, user, notes),
        },
        "free_reads_before_paywall": free_reads,
        "metered_page": metered_page,
        "notes": notes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    args = parser.parse_args(argv)
    json.dump(prepare(args.base), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
