"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

The live server runs in this process (pytest-django's ``live_server``), so a test that moves
``masthead.core.clock`` moves the server's clock too, and a test can read and write the
database the server uses (the journeys need ``transactional_db`` for that).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse the test's own ORM calls (SynchronousOnlyOperation). The ORM calls stay synchronous.
# Set only while a browser module runs (see playwright_driver), so the rest of the suite
# keeps Django's check.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _free_port(first: int = 8300, last: int = 8349) -> int:
    """A loopback port from the range the browser tests may use (not a random one).

    The search starts at a place given by the process id, so suites run side by side (two
    checkouts on one machine) do not all pick the range's first port between probing it and
    the live server binding it."""
    span = last - first + 1
    start = os.getpid() % span
    for step in range(span):
        port = first + (start + step) % span
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in {first}-{last} for the live server")


def pytest_configure(config):
    # Under pytest-xdist the controller runs no test: each worker picks its own port (the
    # workers would otherwise inherit the controller's choice and share one port).
    if getattr(config.option, "numprocesses", None) and not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if not (config.getoption("liveserver", None) or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")):
        os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"] = f"127.0.0.1:{_free_port()}"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """On a failure, keep a screenshot and the HTML of every open page under test-results/."""
    report = yield
    contexts = getattr(item, "_browser_contexts", None)
    if report.failed and contexts and call.when in ("setup", "call"):
        folder = RESULTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
        folder.mkdir(parents=True, exist_ok=True)
        for label, context in contexts:
            for n, page in enumerate(context.pages):
                stem = folder / f"{label}-{n}"
                try:
                    page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
                    stem.with_suffix(".html").write_text(f"<!-- {page.url} -->\n{page.content()}")
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    stem.with_suffix(".error.txt").write_text(repr(exc))
        report.sections.append(("browser", f"screenshots and HTML in {folder}"))
    return report


@pytest.fixture(scope="module")
def playwright_driver():
    """Playwright for one test module: its event loop stops before the next module runs."""
    from playwright.sync_api import sync_playwright

    saved = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if saved is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = saved


@pytest.fixture(scope="module")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(request, chromium, live_server):
    """Open a fresh browser context (a separate device: its own cookies) on the live server."""
    opened = []
    request.node._browser_contexts = opened

    def open_context(label: str = "browser", *, javascript: bool = True, user_agent: str | None = None):
        options = {"user_agent": user_agent} if user_agent else {}
        context = chromium.new_context(
            base_url=live_server.url, java_script_enabled=javascript, locale="en-IN",
            viewport={"width": 1280, "height": 900}, **options,
        )
        context.set_default_timeout(15_000)
        opened.append((label, context))
        return context

    yield open_context
    for _, context in opened:
        context.close()


@pytest.fixture
def context(new_context):
    """A browser with JavaScript on."""
    return new_context("js")


@pytest.fixture
def nojs_context(new_context):
    """A browser with JavaScript disabled: every journey must still work."""
    return new_context("nojs", javascript=False)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def nojs_page(nojs_context):
    return nojs_context.new_page()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def any_page(request, new_context):
    """The same journey with JavaScript on and off."""
    javascript = request.param
    return new_context("js" if javascript else "nojs", javascript=javascript).new_page()


@pytest.fixture(scope="session", autouse=True)
def _static_root():
    """WhiteNoise warns when STATIC_ROOT is missing; the live server finds static files itself."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
