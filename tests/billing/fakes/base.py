"""A tiny threaded HTTP server on 127.0.0.1 for provider fakes, with recorded webhooks."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(provider: str, name: str) -> dict:
    return json.loads((FIXTURES / provider / f"{name}.json").read_text())


class Reply(Exception):
    def __init__(self, status: int, body: dict | None = None, headers: dict | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class FakeProvider:
    """Routes are (method, regex) -> handler(request) returning a dict (200 JSON) or raising Reply."""

    routes: list[tuple[str, str, str]] = []

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.webhooks: list[tuple[bytes, dict[str, str]]] = []
        self.requests: list[tuple[str, str]] = []
        self._counter = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self, method: str):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = {"method": method, "path": parts.path, "query": parts.query, "raw": raw,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}
                fake.requests.append((method, parts.path))
                status, body, headers = 200, None, {}
                for route_method, pattern, name in fake.routes:
                    match = re.fullmatch(pattern, parts.path)
                    if route_method == method and match:
                        try:
                            with fake.lock:
                                body = getattr(fake, name)(request, *match.groups())
                        except Reply as reply:
                            status, body, headers = reply.status, reply.body, reply.headers
                        break
                else:
                    status, body = 404, {"error": {"code": "NOT_FOUND", "message": f"no route {method} {parts.path}",
                                                   "description": f"no route {method} {parts.path}"}}
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_DELETE(self):
                self._handle("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeProvider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self._counter += 1
            return f"{prefix}{self._counter:014d}"

    @staticmethod
    def query(request) -> dict:
        return dict(parse_qsl(request["query"]))
