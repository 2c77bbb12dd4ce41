"""Every route with a number in it answers out-of-range and malformed numbers with a 4xx.

The routes are found by walking the URL resolver, so a route added later is covered
without touching this file. Each numeric part is replaced in turn by hostile values (zero,
negative, huge, years at the calendar's ends, malformed) while the other parts hold
valid ones; every page is also asked for hostile ``?page=`` values. Anonymous readers,
a signed-in reader and a superuser (who reaches the admin and the preview) all ask.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from masthead.core import clock
from tests.accounts.factories import ReaderFactory
from tests.content.conftest import NOON_IST
from tests.content.factories import ArticleFactory, AuthorFactory, PublicationFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

HOSTILE_NUMBERS = ["0", "00", "-1", "0001", "9999", "10000", "99999999999", "9" * 30, "1e3", "0x1f", "\uff11\uff12"]
HOSTILE_PAGES = ["0", "-1", "99999999999", "9" * 30, "1e3", "abc", "1.5", " 1", "\uff12"]
ADMIN_OBJECT_IDS = ["0", "-1", "99999999999", "9" * 30, "abc"]

# A valid value for each kind of non-numeric part.
VALID_TEXT = {"slug": "a-story", "gateway": "sandbox", "token": "not-a-token", "section": "news"}
VALID_NUMBERS = {"year": "2026", "month": "06", "day": "15"}

# The admin's object ids are `path` parts, numbers for every model here.
ADMIN_IDS = {"object_id", "content_type_id", "id"}

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")
_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    """(route text, [(name, is_numeric)]) for every pattern, routes joined with their parents'."""
    for entry in patterns:
        text = prefix + _route_text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, text)
        elif isinstance(entry, URLPattern):
            yield text


def _route_text(pattern) -> str:
    """A route as text with each part written `<numeric:name>` or `<text:name>`."""
    if isinstance(pattern, RoutePattern):
        converters = pattern.converters

        def part(match):
            regex = converters[match["name"]].regex
            numeric = regex.startswith(("[0-9]", "\\d")) or match["name"] in ADMIN_IDS
            return f"<{'numeric' if numeric else 'text'}:{match['name']}>"

        return _CONVERTER.sub(part, str(pattern))
    assert isinstance(pattern, RegexPattern)
    regex = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match):
        numeric = "\\d" in match["body"] or "[0-9]" in match["body"]
        return f"<{'numeric' if numeric else 'text'}:{match['name']}>"

    return _GROUP.sub(group, regex)


def _fill(route: str, hostile: tuple[str, str] | None = None) -> str:
    def part(match):
        name = match["name"]
        if hostile and name == hostile[0]:
            return hostile[1]
        if match["kind"] == "numeric":
            return VALID_NUMBERS.get(name, "1")
        return VALID_TEXT.get(name, "x")

    return "/" + _CONVERTER.sub(part, route)


def routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def numeric_parts(route: str) -> list[str]:
    return [m["name"] for m in _CONVERTER.finditer(route) if m["kind"] == "numeric"]


def test_the_walk_finds_every_numeric_route():
    """The walk sees the routes this suite is about (a broken walk would test nothing)."""
    numeric = {r for r in routes() if numeric_parts(r)}

    for expected in [
        "archive/<numeric:year>/",
        "archive/<numeric:year>/<numeric:month>/",
        "archive/<numeric:year>/<numeric:month>/<numeric:day>/",
        "<numeric:year>/<numeric:month>/<numeric:day>/<text:slug>/",
        "preview/<numeric:pk>/",
        "api/articles/<numeric:pk>/",
        "accounts/invoices/<numeric:pk>/",
        "accounts/invoices/<numeric:pk>/pdf/",
        "accounts/devices/<numeric:device_id>/sign-out/",
        "admin/accounts/adslot/<numeric:object_id>/change/",
    ]:
        assert expected in numeric
    assert len(numeric) >= 40


@pytest.fixture
def site(db):
    """A story published at 09:00 IST on 15 June 2026, read that morning, and three readers."""
    clock.freeze(NOON_IST)
    PublicationFactory()
    section = SectionFactory(name="News", slug="a-story")
    ArticleFactory(section=section, slug="a-story", authors=[AuthorFactory(slug="a-story")],
                   tags=[TagFactory(slug="a-story")])
    staff = get_user_model().objects.create_superuser("edna", "edna@example.com", "pw-edna-1234")
    reader = ReaderFactory(email="hamlet@example.com")
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("reader", reader), ("staff", staff)):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    return clients


def _server_errors(clients, urls, methods=("get",)) -> list[str]:
    errors = []
    for url in urls:
        for name, client in clients.items():
            for method in methods:
                status = getattr(client, method)(url).status_code
                if status >= 500:
                    errors.append(f"{method.upper()} {url} as {name}: {status}")
    return errors


def test_hostile_numbers_in_any_route_get_a_4xx(site):
    reader_site = [r for r in routes() if numeric_parts(r) and not r.startswith("admin/")]
    urls = [_fill(r, (part, value)) for r in reader_site for part in numeric_parts(r) for value in HOSTILE_NUMBERS]

    errors = _server_errors(site, urls, methods=("get", "post"))
    assert errors == [], "\n".join(errors)


def test_hostile_object_ids_in_the_admin_get_a_4xx_or_a_redirect(site):
    admin = [r for r in routes() if r.startswith("admin/") and numeric_parts(r)]
    urls = [_fill(r, (part, value)) for r in admin for part in numeric_parts(r) for value in ADMIN_OBJECT_IDS]

    errors = _server_errors({"staff": site["staff"]}, urls)
    assert errors == [], "\n".join(errors)


def test_hostile_page_numbers_on_any_page_get_a_4xx(site):
    pages = [_fill(r) for r in routes() if not r.startswith("admin/") and not r.startswith("_allauth/")]
    urls = [f"{page}?page={value}" for page in pages for value in HOSTILE_PAGES]

    errors = _server_errors(site, urls)
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize(
    "url",
    [
        "/archive/9999/",
        "/archive/9999/12/",
        "/archive/9999/12/31/",
        "/archive/0001/",
        "/archive/0001/01/01/",
        "/archive/1/1/1/",
        "/archive/99999999999/",
        "/archive/2026/99999999999/",
        "/archive/2026/13/",
        "/archive/2026/02/30/",
        "/archive/2026/00/",
        "/9999/12/31/no-such-story/",
        "/0000/01/01/no-such-story/",
        "/preview/99999999999999999999/",
        "/api/articles/99999999999999999999/",
        "/accounts/invoices/99999999999999999999/",
        "/section/a-story/?page=99999999999999999999",
        "/api/articles/?page=99999999999999999999",
        "/api/articles/?page=abc",
    ],
)
def test_out_of_range_numbers_are_not_found(site, url):
    """The cases first reported, and their neighbours, answer 404 to every reader."""
    for client in site.values():
        assert client.get(url).status_code in (302, 404)
    assert site["staff"].get(url).status_code == 404


def test_a_story_asked_for_under_an_impossible_date_is_sent_to_its_own_address(site):
    """The slug names the story; a wrong date in front of it (even 0000/00/00) is a redirect."""
    for url in ["/0000/00/00/a-story/", "/9999/12/31/a-story/"]:
        response = site["anonymous"].get(url)

        assert response.status_code == 301
        assert response["Location"] == "/2026/06/15/a-story/"
