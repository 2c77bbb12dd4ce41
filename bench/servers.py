"""The servers under load: `masthead serve` (granian) and nginx with a static copy of a page.

Each is started in its own process group on a loopback port and stopped by that group's id,
so nothing else on the machine is touched. Memory is the sum of VmRSS over the server's
whole process tree, read from /proc while the load runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

NGINX = "/usr/sbin/nginx"


def process_tree(root: int) -> list[int]:
    """The pid and every descendant of it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the ppid follows the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_rss_bytes(root: int) -> int:
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


class RssSampler:
    """Samples a process tree's total RSS in a thread; `peak` is the largest seen."""

    def __init__(self, root: int, interval: float = 0.25):
        self.root, self.interval, self.peak = root, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.root))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_bytes(self.root))


def wait_for_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before answering")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answered, even if with an error status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within {timeout:.0f}s")


class Process:
    """A server in its own process group, stopped by that group's id."""

    def __init__(self, argv: list[str], *, env: dict[str, str], log: Path, url: str, cwd: Path | None = None):
        self.url = url
        self.log = log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=cwd)
        try:
            wait_for_http(url, process=self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(f"{argv[0]} did not start; its log:\n{log.read_text()[-3000:]}") from None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def __enter__(self) -> "Process":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def masthead_server(port: int, *, env: dict[str, str], log: Path, source: Path) -> Process:
    """`masthead serve`: the production server exactly as a deployment runs it."""
    argv = [sys.executable, "-m", "masthead", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--no-collectstatic"]
    return Process(argv, env=env, log=log, url=f"http://127.0.0.1:{port}/", cwd=source)


NGINX_CONF = """\
worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type text/html;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location / {{ try_files /article.html =404; }}
    }}
}}
"""


def nginx_server(port: int, page: bytes, workdir: Path) -> Process:
    """nginx serving `page` as a static file for every path (the reference in the same run)."""
    root = Path(tempfile.mkdtemp(prefix="nginx-", dir=workdir))
    (root / "www").mkdir()
    (root / "tmp").mkdir()
    (root / "www" / "article.html").write_bytes(page)
    # nginx's workers drop root to an unprivileged user, who must be able to read the page.
    for path in (root, root / "www"):
        path.chmod(0o755)
    (root / "www" / "article.html").chmod(0o644)
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    return Process([NGINX, "-p", str(root), "-c", str(conf)], env=dict(os.environ),
                   log=root / "stdout.log", url=f"http://127.0.0.1:{port}/")


def ensure_tools() -> None:
    """wrk and nginx come from Debian packages; install them when missing."""
    missing = [pkg for pkg, present in (("wrk", shutil.which("wrk")), ("nginx-light", Path(NGINX).exists()))
               if not present]
    if not missing:
        return
    print(f"installing {', '.join(missing)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)
