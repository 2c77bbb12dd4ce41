"""Transports: the watched folder, HTTP polling against a feed this test serves on loopback
(ETag and If-Modified-Since, 304s, 5xx with backoff, a feed that never answers), sizes."""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import socket
import threading

import pytest

from masthead.content.models import Article
from masthead.core import clock
from masthead.wire import actions
from masthead.wire.models import Quarantined, WireSource
from tests.instants import ORDINARY_DAY
from tests.wire.conftest import OWN_SAMPLES

pytestmark = pytest.mark.django_db


class Feed:
    """What the loopback feed answers, and what it was asked."""

    def __init__(self):
        self.body = (OWN_SAMPLES / "rss.xml").read_bytes()
        self.etag = '"v1"'
        self.status = 200
        self.requests: list[dict] = []


@pytest.fixture
def feed():
    state = Feed()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append({k.lower(): v for k, v in self.headers.items()})
            if state.status != 200:
                self.send_response(state.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", state.etag)
            self.send_header("Last-Modified", "Mon, 15 Jun 2026 05:40:00 GMT")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/wire.rss"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def polled(wire, feed):
    wire.transport, wire.location, wire.poll_minutes = WireSource.Transport.HTTP, feed.url, 5
    wire.save()
    return wire


def test_a_polled_feed_ingests_then_answers_304_and_nothing_is_read_again(polled, feed):
    first = actions.poll_source(polled)
    second = actions.poll_source(polled)

    assert first.new == 2 and Article.objects.count() == 2
    assert (second.documents, second.new, second.ignored) == (0, 0, 0)
    assert feed.requests[1]["if-none-match"] == '"v1"'
    assert feed.requests[1]["if-modified-since"] == "Mon, 15 Jun 2026 05:40:00 GMT"
    polled.refresh_from_db()
    assert polled.next_poll_at == ORDINARY_DAY + dt.timedelta(minutes=5) and polled.failures == 0


def test_a_feed_without_validators_that_sends_the_same_body_is_not_parsed_again(polled, feed):
    actions.poll_source(polled)
    feed.etag = '"changed-but-same-body"'

    again = actions.poll_source(polled)

    assert again.documents == 0


def test_server_errors_back_off_exponentially_then_recover(polled, feed):
    feed.status = 503
    moments = []
    for _ in range(3):
        tally = actions.poll_source(polled)
        polled.refresh_from_db()
        moments.append(polled.next_poll_at - ORDINARY_DAY)

    assert moments == [dt.timedelta(minutes=10), dt.timedelta(minutes=20), dt.timedelta(minutes=40)]
    assert polled.failures == 3 and "HTTP 503" in polled.last_error and "HTTP 503" in tally.notes[0]

    feed.status = 200
    actions.poll_source(polled)
    polled.refresh_from_db()
    assert (polled.failures, polled.last_error, Article.objects.count()) == (0, "", 2)


def test_the_schedule_polls_a_source_only_when_it_is_due(polled, feed):
    actions.poll_due()
    assert len(feed.requests) == 1

    with clock.travel(ORDINARY_DAY + dt.timedelta(minutes=4), frozen=True):
        actions.poll_due()
    assert len(feed.requests) == 1
    with clock.travel(ORDINARY_DAY + dt.timedelta(minutes=5), frozen=True):
        actions.poll_due()
    assert len(feed.requests) == 2


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/never"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_feed_that_never_answers_times_out_and_the_run_goes_on(wire, silent_server, settings):
    settings.MASTHEAD_WIRE_FETCH_TIMEOUT = 0.5
    wire.transport, wire.location = WireSource.Transport.HTTP, silent_server
    wire.save()

    tally = actions.poll_source(wire)

    wire.refresh_from_db()
    assert "within 0.5s" in wire.last_error and wire.failures == 1
    assert tally.new == 0 and Article.objects.count() == 0


def test_a_feed_over_the_size_limit_is_quarantined_unread(polled, feed, settings):
    settings.MASTHEAD_WIRE_MAX_FILE_MB = 1
    feed.body = b"<rss>" + b" " * (1024 * 1024 + 10) + b"</rss>"

    tally = actions.poll_source(polled)

    assert tally.quarantined == 1
    assert "over the limit of 1 MB" in Quarantined.objects.get().reason


def test_the_watched_folder_moves_done_files_aside_and_keeps_failed_ones_with_their_error(wire, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("ninjs-1.x-v1.json", "rss.xml", "truncated.json", "billion-laughs.xml"):
        shutil.copy(OWN_SAMPLES / name, inbox / name)
    shutil.copytree(OWN_SAMPLES / "pictures", inbox / "pictures")
    (inbox / ".hidden.json").write_text("{}")
    wire.transport, wire.location = WireSource.Transport.FOLDER, str(inbox)
    wire.save()

    tally = actions.poll_source(wire)
    again = actions.poll_source(wire)

    assert (tally.new, tally.quarantined, again.documents) == (3, 2, 0)
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["ninjs-1.x-v1.json", "rss.xml"]
    failed = sorted(p.name for p in (inbox / "failed").iterdir())
    assert failed == ["billion-laughs.xml", "billion-laughs.xml.error.txt", "truncated.json", "truncated.json.error.txt"]
    assert "refused: the XML declares a DTD" in (inbox / "failed" / "billion-laughs.xml.error.txt").read_text()
    assert sorted(Quarantined.objects.values_list("name", flat=True)) == [
        str(inbox / "billion-laughs.xml"), str(inbox / "truncated.json")]
    assert Article.objects.get(headline__startswith="Monsoon").lead_picture  # the picture beside it was found
    assert (inbox / ".hidden.json").exists()


def test_a_50_mb_file_is_quarantined_without_being_read_and_the_rest_ingest(wire, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(inbox / "huge.json", "wb") as handle:
        handle.write(b'{"uri": "urn:test:huge", "headline": "Huge", "body_text": "')
        handle.truncate(50 * 1024 * 1024)
    shutil.copy(OWN_SAMPLES / "atom.xml", inbox / "atom.xml")
    wire.transport, wire.location = WireSource.Transport.FOLDER, str(inbox)
    wire.save()

    tally = actions.poll_source(wire)

    row = Quarantined.objects.get()
    assert (tally.new, tally.quarantined) == (1, 1)
    assert row.reason == "52428800 bytes, over the limit of 20 MB per file (not read)" and not row.document
    assert (inbox / "failed" / "huge.json").stat().st_size == 50 * 1024 * 1024


def test_a_story_over_the_item_limit_is_quarantined(wire, settings):
    import json

    from tests.wire.conftest import ingest_bytes

    settings.MASTHEAD_WIRE_MAX_ITEM_KB = 1
    data = json.dumps([{"uri": "urn:test:long", "headline": "Long", "body_text": "word " * 400},
                       {"uri": "urn:test:short", "headline": "Short", "body_text": "Fine."}]).encode()

    tally = ingest_bytes(wire, data)

    assert (tally.new, tally.quarantined) == (1, 1)
    assert "over the limit of 1024" in Quarantined.objects.get().reason
