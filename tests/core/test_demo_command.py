"""`masthead demo` stops its server and worker however it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_to_the_demo_stops_its_server_and_worker(tmp_path, stop):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path), "MASTHEAD_SERVE_WORKERS": "1"}
    for name in ("MASTHEAD_DATABASE_URL", "MASTHEAD_REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'masthead.settings'; django.setup(); "
        "from masthead.core.management.commands.demo import Command; "
        f"Command()._serve('127.0.0.1', {port})"
    )
    demo = subprocess.Popen([sys.executable, "-c", script], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not answers(port) and time.monotonic() < deadline:
            assert demo.poll() is None, "the demo exited before its server answered"
            time.sleep(0.2)
        children = children_of(demo.pid)
        assert len(children) == 2  # the server and the worker
        assert answers(port)  # past its start-up, as a reader would find it

        demo.send_signal(stop)
        demo.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)

        assert [pid for pid in children if alive(pid)] == []
    finally:
        for pid in children or children_of(demo.pid):  # never leave them running, pass or fail
            if alive(pid):
                os.kill(pid, signal.SIGINT)
        if demo.poll() is None:
            demo.kill()
