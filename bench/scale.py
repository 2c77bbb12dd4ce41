"""The scale check: two `masthead serve` app servers behind nginx, on one PostgreSQL and one Redis.

Run it with ``make scale-check`` (``python -m bench.scale``); ``tests/ops/test_scale.py`` runs
the same checks in CI's PostgreSQL + Redis run. Everything listens on loopback. It:

1. makes a fresh database (``<name>_scale`` next to the one given), seeds the demo into it;
2. starts two app servers, each with a data dir of its own (so nothing passes between them
   but PostgreSQL and Redis), one ``masthead worker``, and nginx configured from
   ``deploy/nginx/masthead.conf.template``, the file compose.yaml uses;
3. shows, with plain HTTP requests:
   - one reader's meter is exact across servers: with the reader's cookie, twice the free
     limit of distinct stories asked for at once, half on each server, grant exactly what
     is left of the limit;
   - a session made by logging in on one server is valid on the other;
   - a story an editor publishes in the admin on one server is on the other's home page
     within ``MASTHEAD_TOKEN_SECONDS`` (plus the time of one request);
   - a free-limit change saved in the admin on one server is what the other's paywall says;
   - a subscriber's payment, confirmed by a signed webhook posted to one server, unlocks a
     premium story on the other;
   - readers loading stories through nginx while one server is killed (SIGKILL) lose no
     request (nginx retries it on the other: ``proxy_next_upstream``) and no meter count:
     each reader was granted exactly the free limit, no more, no fewer;
4. with ``--bench``, measures requests per second through nginx with one app server and with
   two (wrk), before the kill.

Redis is shared with whatever else uses it: this run's cache, sessions and queue live under
a prefix of its own, and anonymous meters under new random ids, so nothing is flushed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import http.cookies
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import NGINX, Process, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "masthead.conf.template"
PORTS = range(8400, 8420)  # the loopback ports this check may use
PAYWALL_PHRASE = "reached your limit"
READER_EMAIL = "scale-reader@scale.masthead.test"
EDITOR_USERNAME = "scale-editor"
PASSWORD = "scale-Check-2026-pw"
DRAFT_HEADLINE = "Scale check: a story published on one server"
TOKEN_SECONDS = 1.0
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) masthead-scale-check"


class CheckFailed(AssertionError):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- HTTP: a small cookie-keeping client, one connection per request ------------------------


@dataclass
class Answer:
    status: int
    path: str
    headers: http.client.HTTPMessage
    body: str


class Client:
    """What a browser does that matters here: cookies, redirects, forms with their CSRF token."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        self.base = base.rstrip("/")
        self.cookies = dict(cookies or {})

    def on(self, base: str) -> "Client":
        """The same reader (the same cookies) talking to another server."""
        return Client(base, self.cookies)

    def request(self, method: str, path: str, fields: dict | None = None, *, follow: bool = True,
                body: bytes | None = None, headers: dict | None = None, timeout: float = 30) -> Answer:
        url = urllib.parse.urlsplit(self.base)
        for _ in range(6):
            sent = {"User-Agent": USER_AGENT, "Accept": "text/html", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            data = body
            if fields is not None:
                data = urllib.parse.urlencode(fields, doseq=True).encode()
                sent["Content-Type"] = "application/x-www-form-urlencoded"
                sent["Referer"] = self.base + path
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
            try:
                connection.request(method, path, data, sent)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            finally:
                connection.close()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            location = response.headers.get("Location")
            if follow and response.status in (301, 302, 303, 307, 308) and location:
                target = urllib.parse.urlsplit(location)
                path = urllib.parse.urlunsplit(("", "", target.path, target.query, ""))
                method, fields, body = "GET", None, None
                continue
            return Answer(response.status, path, response.headers, text)
        raise CheckFailed(f"too many redirects from {path}")

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def submit(self, form_path: str, fields: dict, *, action: str | None = None, follow: bool = True) -> Answer:
        """GET a form page, then POST `fields` with its CSRF token."""
        page = self.get(form_path)
        expect(page.status == 200, f"{form_path} answered {page.status}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        expect(token is not None, f"{form_path} has no CSRF token")
        return self.request("POST", action or page.path, {"csrfmiddlewaretoken": token.group(1), **fields},
                            follow=follow)


def gated(answer: Answer) -> bool:
    return PAYWALL_PHRASE in answer.body.replace("\u2019", "'")


def granted(answer: Answer, marker: str) -> bool:
    """The full text was served: a 200 without the paywall, holding a sentence from past the teaser."""
    return answer.status == 200 and not gated(answer) and marker in answer.body


# --- The servers ----------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Ports of PORTS that nothing listens on now (several runs may share the machine)."""
    found = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} free loopback ports in {PORTS.start}-{PORTS.stop - 1}")


def render_nginx_site(listen: str, upstream_ports: list[int]) -> str:
    """deploy/nginx/masthead.conf.template with its two names filled in, as the nginx image does."""
    servers = " ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in upstream_ports)
    text = NGINX_TEMPLATE.read_text()
    text = text.replace("${NGINX_LISTEN}", listen).replace("${NGINX_UPSTREAM_SERVERS}", servers)
    left = re.findall(r"\$\{[A-Z_]+\}", text)
    expect(not left, f"the nginx template names {left} that the scale check does not fill in")
    return text


NGINX_MAIN = """\
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    include {root}/masthead.conf;
}}
"""


def balancer(port: int, upstream_ports: list[int], workdir: Path) -> Process:
    """nginx as our own process, balancing over `upstream_ports` on loopback."""
    root = Path(tempfile.mkdtemp(prefix=f"nginx-{port}-", dir=workdir))
    (root / "tmp").mkdir()
    (root / "masthead.conf").write_text(render_nginx_site(f"127.0.0.1:{port}", upstream_ports))
    (root / "nginx.conf").write_text(NGINX_MAIN.format(root=root))
    return Process([NGINX, "-p", str(root), "-c", str(root / "nginx.conf")], env=dict(os.environ),
                   log=root / "stdout.log", url=f"http://127.0.0.1:{port}/healthz")


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    expect(re.fullmatch(r"[A-Za-z0-9_]+", name) is not None, f"unexpected database name {name!r}")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def scale_database_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_scale"))


@dataclass
class Deployment:
    """Everything one run started, stopped in reverse order."""

    workdir: Path
    env: dict
    ports: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            with contextlib.suppress(Exception):
                process.stop()


def base_env(database_url: str, redis_url: str, run_id: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update({
        "MASTHEAD_DATABASE_URL": database_url,
        "MASTHEAD_REDIS_URL": redis_url,
        "MASTHEAD_CACHE_PREFIX": f"scale-{run_id}",
        "MASTHEAD_TASKS_QUEUE": f"scale-{run_id}",
        "MASTHEAD_SECRET_KEY": secrets.token_urlsafe(50),
        "MASTHEAD_SANDBOX_SECRET": secrets.token_urlsafe(32),
        "MASTHEAD_SANDBOX_DELIVER_WEBHOOKS": "0",
        "MASTHEAD_TOKEN_SECONDS": str(TOKEN_SECONDS),
        "MASTHEAD_REQUEST_LOG_LEVEL": "WARNING",
        "MASTHEAD_SERVE_WORKERS": "1",
        "PYTHONPATH": str(ROOT),
    })
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def run(argv: list[str], env: dict, data_dir: Path, timeout: float = 300) -> str:
    done = subprocess.run(argv, env={**env, "MASTHEAD_DATA_DIR": str(data_dir)}, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def start(workdir: Path, database_url: str, redis_url: str, progress=print) -> Deployment:
    run_id = secrets.token_hex(4)
    env = base_env(database_url, redis_url, run_id)
    nginx_port, nginx_one_port, port_a, port_b = free_ports(4)
    env["MASTHEAD_PUBLIC_URL"] = f"http://127.0.0.1:{nginx_port}"
    deployment = Deployment(workdir, env, {"nginx": nginx_port, "nginx_one": nginx_one_port, "a": port_a, "b": port_b})
    try:
        progress(f"recreating the database {urllib.parse.urlsplit(database_url).path.lstrip('/')}")
        recreate_database(database_url)
        started = time.monotonic()
        run([sys.executable, "-m", "masthead", "demo", "--no-serve"], env, workdir / "seed")
        deployment.facts = json.loads(run([sys.executable, "-m", "bench.scale", "prepare"], env, workdir / "seed"))
        progress(f"migrated and seeded the demo in {time.monotonic() - started:.0f} s")
        for name in ("a", "b"):
            data_dir = workdir / f"app-{name}"
            data_dir.mkdir()
            argv = [sys.executable, "-m", "masthead", "serve", "--host", "127.0.0.1",
                    "--port", str(deployment.ports[name]), "--workers", "1"]
            # Both start at once: collectstatic and Django's start overlap.
            deployment.processes[name] = _Starting(argv, {**env, "MASTHEAD_DATA_DIR": str(data_dir)},
                                                   workdir / f"app-{name}.log", f"{deployment.url(name)}/readyz")
        worker_dir = workdir / "worker"
        worker_dir.mkdir()
        deployment.processes["worker"] = _Starting(
            [sys.executable, "-m", "masthead", "worker"], {**env, "MASTHEAD_DATA_DIR": str(worker_dir)},
            workdir / "worker.log", None)
        for name in ("a", "b", "worker"):
            deployment.processes[name] = deployment.processes[name].wait()
        deployment.processes["nginx"] = balancer(nginx_port, [port_a, port_b], workdir)
        deployment.processes["nginx_one"] = balancer(nginx_one_port, [port_a], workdir)
        progress(f"app servers on :{port_a} and :{port_b}, nginx on :{nginx_port} (and :{nginx_one_port} "
                 f"with one server), a worker; ready {time.monotonic() - started:.0f} s after the seed began")
    except BaseException:
        deployment.stop()
        raise
    return deployment


class _Starting:
    """A process being started; `wait()` gives the running Process once it answers."""

    def __init__(self, argv, env, log: Path, ready_url: str | None):
        self.ready_url = ready_url
        self.process = Process.__new__(Process)
        self.process.url, self.process.log = ready_url or "", log
        self.process._log = open(log, "wb")
        self.process.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.process._log,
                                             stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self) -> Process:
        try:
            if self.ready_url:
                wait_for_http(self.ready_url, timeout=120, process=self.process.proc)
                # /readyz answers 503 until everything is up: wait for the 200.
                deadline = time.monotonic() + 60
                while Client(self.ready_url.rsplit("/", 1)[0]).get("/readyz").status != 200:
                    expect(time.monotonic() < deadline, f"{self.ready_url} never said ready")
                    time.sleep(0.3)
            else:
                time.sleep(1.0)
                expect(self.process.proc.poll() is None, f"the worker exited: {self.process.log.read_text()[-2000:]}")
        except BaseException:
            self.process.stop()
            raise
        return self.process

    def stop(self) -> None:
        self.process.stop()


def kill(process: Process) -> None:
    """SIGKILL the server's whole process group: a machine lost, not a graceful stop."""
    os.killpg(process.proc.pid, signal.SIGKILL)
    process.proc.wait()


# --- Data the checks need, made inside Django with the deployment's settings ---------------


def prepare() -> dict:
    """Readers, an editor and a draft, and the stories the checks read (prints JSON)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from masthead.access.rules import current_rules
    from masthead.analytics import experiments
    from masthead.analytics.models import Experiment
    from masthead.billing.models import Plan
    from masthead.content.models import Article

    User = get_user_model()
    reader, _ = User.objects.get_or_create(username="scale-reader", defaults={"email": READER_EMAIL})
    reader.set_password(PASSWORD)
    reader.save()
    EmailAddress.objects.get_or_create(user=reader, email=READER_EMAIL, defaults={"primary": True, "verified": True})
    editor, _ = User.objects.get_or_create(username=EDITOR_USERNAME, defaults={"email": "editor@scale.masthead.test"})
    editor.set_password(PASSWORD)
    editor.is_staff = editor.is_superuser = True
    editor.save()

    # The demo runs a free-limit experiment: a reader in its other arm has another limit. The
    # checks count reads against the rules' limit, so the experiment is stopped here (through
    # its action, as the revenue desk's Stop button does).
    for experiment in Experiment.objects.filter(status=Experiment.Status.RUNNING):
        experiments.stop(experiment)

    live = Article.objects.live().select_related("section").order_by("-published_at")
    metered = [a for a in live.filter(access=Article.Access.METERED, section__is_premium=False)[:80]]
    premium = live.filter(access=Article.Access.PREMIUM).first() or live.filter(section__is_premium=True).first()
    template = metered[-1]
    draft = Article.objects.filter(headline=DRAFT_HEADLINE).first()
    if draft is None:
        draft = Article.objects.create(
            headline=DRAFT_HEADLINE, standfirst="Seen on every app server.", body=template.body,
            section=template.section, access=Article.Access.FREE, status=Article.Status.DRAFT,
        )
    plan = Plan.objects.filter(is_active=True).order_by("display_order").first()
    return {
        "metered": [[a.get_absolute_url(), marker(a.body)] for a in metered],
        "premium": [premium.get_absolute_url(), marker(premium.body)],
        "draft_pk": draft.pk,
        "plan": plan.code,
        "free_limit": current_rules().free_limit,
    }


def marker(body: str) -> str:
    """A sentence from the story's last paragraph: present only when the full text is served."""
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "", paragraphs[-1] if paragraphs else body)
    words = text.split()
    return " ".join(words[-6:]) if words else text


# --- The checks -------------------------------------------------------------------------------


def new_reader(base: str, story: list[str]) -> tuple[Client, Answer]:
    """A new anonymous reader: its first metered read (the cookie check redirect, followed)."""
    reader = Client(base)
    answer = reader.get(story[0])
    expect("mh_meter" in reader.cookies, f"no meter cookie after reading {story[0]} ({answer.status})")
    return reader, answer


def check_meter_across_servers(d: Deployment, report) -> None:
    stories, limit = d.facts["metered"], d.facts["free_limit"]
    expect(len(stories) >= 2 * limit + 2, f"the demo has only {len(stories)} metered stories")
    reader, first = new_reader(d.url("a"), stories[0])
    expect(granted(first, stories[0][1]), "a new reader's first metered read was not the full text")
    wanted = stories[1:1 + 2 * limit]
    servers = [d.url("a"), d.url("b")]

    def read(n: int) -> Answer:
        return reader.on(servers[n % 2]).get(wanted[n][0], follow=False)

    with concurrent.futures.ThreadPoolExecutor(len(wanted)) as pool:
        answers = list(pool.map(read, range(len(wanted))))
    results = [granted(answer, story[1]) for answer, story in zip(answers, wanted)]
    # Every read is either the full text or the paywall: anything else (an error, a timeout
    # answered by nginx) would hide a lost count behind a refusal.
    odd = [f"{story[0]}: {answer.status}" for answer, story, ok in zip(answers, wanted, results)
           if not ok and not (answer.status == 200 and gated(answer))]
    expect(not odd, f"concurrent reads answered neither the story nor the paywall: {'; '.join(odd)}")
    expect(sum(results) == limit - 1,
           f"{sum(results)} of {len(wanted)} concurrent reads on two servers were granted, not {limit - 1}")
    # Re-reading a story counted on one server is free on the other.
    again = [n for n, ok in enumerate(results) if ok]
    for n in again:
        answer = reader.on(servers[(n + 1) % 2]).get(wanted[n][0], follow=False)
        expect(granted(answer, wanted[n][1]), f"{wanted[n][0]} counted on one server was refused on the other")
    report(f"meter: {len(wanted)} distinct stories at once over two servers, {sum(results)} granted "
           f"(limit {limit}, 1 read before); re-reads granted on the other server")


def login(client: Client) -> None:
    answer = client.submit("/accounts/login/", {"login": READER_EMAIL, "password": PASSWORD})
    expect("sessionid" in client.cookies, f"logging in did not start a session ({answer.status} {answer.path})")


def check_session_on_the_other(d: Deployment, report) -> Client:
    on_a = Client(d.url("a"))
    login(on_a)
    on_b = on_a.on(d.url("b"))
    answer = on_b.get("/accounts/subscription/", follow=False)
    expect(answer.status == 200, f"the session made on one server got {answer.status} on the other")
    expect("Log in" not in answer.body or "Log out" in answer.body, "the other server did not see the reader signed in")
    report("session: logged in on one server, signed in on the other")
    return on_a


def admin_session(base: str) -> Client:
    editor = Client(base)
    editor.submit("/admin/login/?next=/admin/", {"username": EDITOR_USERNAME, "password": PASSWORD, "next": "/admin/"})
    expect("sessionid" in editor.cookies, "the editor could not log in to the admin")
    return editor


def seen_within(fetch, seen, limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit + 5:
        if seen(fetch()):
            return time.monotonic() - started
        time.sleep(0.05)
    raise CheckFailed(f"not seen within {limit + 5:.0f} s")


def check_publish_seen_on_the_other(d: Deployment, report) -> None:
    on_b = Client(d.url("b"))
    for _ in range(2):  # the home page is now in the other server's page cache
        expect(DRAFT_HEADLINE not in on_b.get("/").body, "the draft is on the home page before it is published")
    editor = admin_session(d.url("a"))
    answer = editor.submit("/admin/content/article/", {"action": "publish_now", "_selected_action": d.facts["draft_pk"],
                                                       "index": "0", "select_across": "0"})
    expect(answer.status == 200 and "Published 1 story" in answer.body, "the admin did not publish the draft")
    published_at = time.monotonic()
    # Polled for as long as the documented bound: when it first showed there (for the report)...
    first_seen = None
    while time.monotonic() - published_at < TOKEN_SECONDS:
        asked = time.monotonic()
        if DRAFT_HEADLINE in on_b.get("/").body:
            first_seen = asked - published_at
            break
        time.sleep(0.05)
    # ...and, the check: a request the other server gets once the bound has passed shows it.
    time.sleep(max(0.0, published_at + TOKEN_SECONDS - time.monotonic()))
    expect(DRAFT_HEADLINE in on_b.get("/").body,
           f"the other server's home page lacked the story {TOKEN_SECONDS:g} s after it was published")
    when = f"{first_seen:.2f} s" if first_seen is not None else f"{TOKEN_SECONDS:g} s"
    report(f"publish: published in the admin on one server, on the other's home page {when} later "
           f"(MASTHEAD_TOKEN_SECONDS={TOKEN_SECONDS:g})")


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """The values a browser would post from the form with this id (inputs, selects, textareas)."""
    start = html.index(f'id="{form_id}"')
    form = html[start:html.index("</form>", start)]
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, kind = _attr(tag, "name"), (_attr(tag, "type") or "text").lower()
        if not name or kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and " checked" not in tag):
            continue
        fields.setdefault(name, []).append(_attr(tag, "value") or ("on" if kind == "checkbox" else ""))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        chosen = [_attr(o, "value") for o in re.findall(r"<option[^>]*>", options) if " selected" in o]
        fields[name] = [v for v in chosen if v is not None]
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, flags=re.S):
        fields[name] = [text.lstrip("\n")]
    return fields


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1).replace("&amp;", "&").replace("&quot;", '"') if found else None


def check_rules_change_seen_on_the_other(d: Deployment, report) -> None:
    stories, limit = d.facts["metered"], d.facts["free_limit"]
    new_limit = limit - 2
    editor = admin_session(d.url("a"))
    page = editor.get("/admin/access/accessrules/")
    change = re.search(r'href="(/admin/access/accessrules/\d+/change/)"', page.body)
    path = change.group(1) if change else "/admin/access/accessrules/add/"
    form = editor.get(path)
    fields = form_fields(form.body, "accessrules_form")
    fields["free_limit"] = [str(new_limit)]
    saved = editor.request("POST", path, {**fields, "_save": "Save"})
    expect(saved.status == 200 and "errornote" not in saved.body, f"the rules form was not saved ({saved.status})")
    changed_at = time.monotonic()
    time.sleep(TOKEN_SECONDS)  # the documented bound; a reader on the other server then sees it
    reader, _ = new_reader(d.url("b"), stories[-1])
    answers = [reader.get(story[0], follow=False) for story in stories[-1 - new_limit:-1]]
    after = time.monotonic() - changed_at
    expect([gated(a) for a in answers] == [False] * (new_limit - 1) + [True],
           f"the other server did not apply the free limit of {new_limit}: "
           f"{[('paywall' if gated(a) else 'free') for a in answers]}")
    expect(f"limit of {new_limit} free" in answers[-1].body, "the paywall does not name the new limit")
    report(f"rules: the free limit changed from {limit} to {new_limit} in the admin on one server; the other's "
           f"meter and paywall used it {after:.2f} s later")
    d.facts["free_limit"] = new_limit


def check_webhook_unlocks_on_the_other(d: Deployment, subscriber: Client, report) -> None:
    url, text = d.facts["premium"]
    on_b = subscriber.on(d.url("b"))
    expect(not granted(on_b.get(url), text), "the premium story was readable before paying")
    started = subscriber.submit(f"/checkout/?plan={d.facts['plan']}", {"plan": d.facts["plan"], "gstin": "", "state": ""},
                                action="/checkout/", follow=False)
    location = started.headers.get("Location", "")
    expect(started.status == 302 and "/sandbox/checkout/" in location, f"the checkout did not start ({started.status} to {location!r}, {dict(started.headers)})")
    checkout = checkout_token(location.rstrip("/").rsplit("/", 1)[-1], d.env["MASTHEAD_SANDBOX_SECRET"])
    body, signature = sandbox_webhook(checkout, d.env["MASTHEAD_SANDBOX_SECRET"])
    answer = Client(d.url("a")).request("POST", "/billing/webhooks/sandbox/", body=body, follow=False, headers={
        "Content-Type": "application/json", "X-Sandbox-Signature": signature})
    expect(answer.status == 200, f"the signed webhook got {answer.status}")
    after = seen_within(lambda: on_b.get(url), lambda a: granted(a, text), 10)
    report(f"payment: a signed webhook posted to one server; the other served the premium story in full "
           f"{after:.2f} s later (the worker processed it)")


def checkout_token(token: str, secret: str) -> dict:
    from django.conf import settings
    from django.core import signing

    if not settings.configured:
        settings.configure(SECRET_KEY="unused")
    return signing.loads(urllib.parse.unquote(token), key=secret, salt="masthead.billing.sandbox.checkout")


def sandbox_webhook(checkout: dict, secret: str) -> tuple[bytes, str]:
    """The event the sandbox sends for a paid checkout, signed as it signs (t=...,v1=HMAC)."""
    import datetime as dt
    import hashlib
    import hmac

    now = dt.datetime.now(dt.timezone.utc)
    year, month = divmod(now.month - 1 + checkout["months"], 12)
    end = now.replace(year=now.year + year, month=month + 1, day=min(now.day, 28))
    event = {
        "id": "evt_sbx_" + secrets.token_hex(10), "type": "payment.succeeded", "created": int(now.timestamp()),
        "data": {
            "subscription_ref": checkout["ref"], "succeeded": True, "payment_ref": "pay_sbx_" + secrets.token_hex(10),
            "amount": checkout["amount"], "currency": checkout["currency"], "gateway_ref": "cs_sbx_" + checkout["ref"][4:],
            "payment_method": "tok_sbx_4242_" + secrets.token_hex(6), "payment_method_label": "Test card ending 4242",
            "period_start": now.isoformat(), "period_end": end.isoformat(), "failure_reason": "", "at_checkout": True,
        },
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={digest}"


def requests_served(base: str) -> int:
    text = Client(base).get("/metrics").body
    return int(sum(float(v) for v in re.findall(r'^masthead_requests_total\{[^}]*\} ([0-9.e+]+)$', text, flags=re.M)))


def check_kill_mid_load(d: Deployment, report, seconds: float = 6.0, threads: int = 6) -> None:
    """Readers read through nginx; one server is SIGKILLed a third of the way in."""
    stories, limit = d.facts["metered"], d.facts["free_limit"]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    errors: list[str] = []
    readers: list[tuple[Client, dict[str, bool]]] = []
    count = [0]

    def one_reader(rng: random.Random) -> None:
        chosen = rng.sample(stories, limit + 2)
        outcome: dict[str, bool] = {}
        try:
            reader, first = new_reader(d.url("nginx"), chosen[0])
            with lock:
                count[0] += 2  # the cookie check's redirect and the read it leads to
            outcome[chosen[0][0]] = granted(first, chosen[0][1])
            for story in chosen[1:]:
                answer = reader.get(story[0], follow=False)
                with lock:
                    count[0] += 1
                if answer.status != 200:
                    raise CheckFailed(f"{story[0]} answered {answer.status}")
                outcome[story[0]] = granted(answer, story[1])
        except Exception as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            return
        with lock:
            readers.append((reader, outcome))

    def load(n: int) -> None:
        rng = random.Random(n)
        while time.monotonic() < deadline:
            one_reader(rng)

    served_before = requests_served(d.url("a"))
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(load, n) for n in range(threads)]
        time.sleep(seconds / 3)
        served_by_a = requests_served(d.url("a")) - served_before
        kill(d.processes["a"])
        killed_at = count[0]
        for future in futures:
            future.result()
    expect(served_by_a > 0, "the server that was killed had served none of the load")
    expect(not errors, f"{len(errors)} requests were lost while a server was killed: {errors[:3]}")
    wrong = {len([ok for ok in outcome.values() if ok]) for _, outcome in readers} - {limit}
    expect(not wrong, f"some readers were granted {sorted(wrong)} stories, not exactly {limit}")
    # The counts survived: a further new story is refused to every reader, on the server left.
    for reader, outcome in readers:
        fresh = next(s for s in stories if s[0] not in outcome)
        expect(gated(reader.on(d.url("b")).get(fresh[0], follow=False)), "a reader's meter lost a count")
    report(f"kill: {count[0]} requests from {len(readers)} readers through nginx; one server SIGKILLed once "
           f"{killed_at} had been answered ({served_by_a} of them by it): none lost, every reader granted exactly "
           f"{limit}, and refused the next story")


# --- Requests per second with one and with two app servers -------------------------------------


def wrk(url: str, cookie: str | None, seconds: int, connections: int = 16) -> dict:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p99 = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)] if p99 else None
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": rate, "p99_ms": p99_ms, "errors": (int(bad.group(1)) if bad else 0) +
            (sum(int(x) for x in sock.groups()) if sock else 0)}


def bench(d: Deployment, seconds: int, report) -> list[dict]:
    """wrk through nginx: one app server behind it, then two; the same pages and readers."""
    stories = d.facts["metered"]
    reader, _ = new_reader(d.url("nginx"), stories[-1])
    cookie = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
    pages = [("home page (anonymous, page cache)", "/", None),
             ("anonymous metered read, already counted", stories[-1][0], cookie)]
    rows = []
    for label, path, cookies in pages:
        for servers, name in ((1, "nginx_one"), (2, "nginx")):
            wrk(d.url(name) + path, cookies, 2)  # warm-up
            row = {"page": label, "servers": servers, **wrk(d.url(name) + path, cookies, seconds)}
            rows.append(row)
            report(f"bench: {label}, {servers} app server(s): {row['rps']:,.0f} req/s, p99 {row['p99_ms']} ms, "
                   f"{row['errors']} errors")
    return rows


def bench_table(rows: list[dict], load: tuple[float, float]) -> str:
    lines = [f"Load average (1 min) {load[0]:.2f} before, {load[1]:.2f} after; wrk -t2 -c16 through nginx.",
             "", "| page | app servers | req/s | p99 | errors | two / one |", "|---|---|---|---|---|---|"]
    for row in rows:
        one = next(r for r in rows if r["page"] == row["page"] and r["servers"] == 1)
        ratio = f"{row['rps'] / one['rps']:.2f}" if row["servers"] == 2 else "—"
        lines.append(f"| {row['page']} | {row['servers']} | {row['rps']:,.0f} | {row['p99_ms']} ms | {row['errors']} | {ratio} |")
    return "\n".join(lines)


# --- Running it -------------------------------------------------------------------------------


def scale_check(database_url: str, redis_url: str, *, bench_seconds: int = 0, workdir: Path | None = None,
                progress=print) -> list[str]:
    """Every check, in order; returns what each showed. Raises CheckFailed on the first failure."""
    lines: list[str] = []

    def report(line: str) -> None:
        lines.append(line)
        progress("  ok  " + line)

    own = workdir is None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="masthead-scale-"))
    deployment = start(workdir, scale_database_url(database_url), redis_url, progress)
    try:
        check_meter_across_servers(deployment, report)
        subscriber = check_session_on_the_other(deployment, report)
        check_publish_seen_on_the_other(deployment, report)
        check_rules_change_seen_on_the_other(deployment, report)
        check_webhook_unlocks_on_the_other(deployment, subscriber, report)
        if bench_seconds:
            before = os.getloadavg()[0]
            rows = bench(deployment, bench_seconds, report)
            lines.append(bench_table(rows, (before, os.getloadavg()[0])))
        check_kill_mid_load(deployment, report)
    except BaseException:
        for name in ("app-a", "app-b", "worker"):
            log = workdir / f"{name}.log"
            if log.exists():
                progress(f"--- the end of {log}:\n{log.read_text()[-1500:]}")
        raise
    finally:
        deployment.stop()
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Two app servers behind nginx on one PostgreSQL and one Redis.")
    parser.add_argument("command", nargs="?", default="check", choices=["check", "prepare"])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/masthead",
                        help="a PostgreSQL server and base name; the check uses <name>_scale (recreated)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7",
                        help="shared safely: this run's keys have a prefix of their own, nothing is flushed")
    parser.add_argument("--bench", type=int, default=0, metavar="SECONDS",
                        help="also measure req/s through nginx with one and two app servers (wrk, SECONDS each)")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        json.dump(prepare(), sys.stdout)
        return 0
    if not Path(NGINX).exists():
        print("nginx is missing: apt-get install -y nginx-light", file=sys.stderr)
        return 2
    if args.bench and not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        lines = scale_check(args.database_url, args.redis_url, bench_seconds=args.bench)
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    table = next((line for line in lines if line.startswith("Load average")), None)
    checks = [line for line in lines if line is not table and not line.startswith("bench:")]
    if table:
        print("\n" + table)
        results = ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d')}-scale-{socket.gethostname()}.md"
        results.parent.mkdir(exist_ok=True)
        results.write_text(f"# Scale check {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
                           + "\n".join(f"- {line}" for line in checks) + "\n\n" + table + "\n")
        print(f"written to {results.relative_to(ROOT)}")
    print(f"\nscale check passed: {len(checks)} checks in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
