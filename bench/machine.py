"""What the benchmark ran on: printed above the table so every figure keeps its context."""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import subprocess


def _first(path: str, pattern: str) -> str | None:
    try:
        with open(path) as handle:
            for line in handle:
                match = re.match(pattern, line)
                if match:
                    return match.group(1).strip()
    except OSError:
        return None
    return None


def _version(argv: list[str], pattern: str) -> str:
    if not shutil.which(argv[0]):
        return "absent"
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(pattern, done.stdout + done.stderr)
    return match.group(1) if match else "unknown"


def describe() -> dict[str, str]:
    """The machine and the software versions, as short strings."""
    import django
    import granian

    mem_kb = _first("/proc/meminfo", r"MemTotal:\s+(\d+) kB")
    return {
        "host": socket.gethostname(),
        "cpu": _first("/proc/cpuinfo", r"model name\s*:\s*(.+)") or platform.processor() or "unknown",
        "cores": str(os.cpu_count() or 1),
        "memory": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "kernel": platform.release(),
        "os": _first("/etc/os-release", r'PRETTY_NAME="?([^"]+)"?') or platform.system(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": getattr(granian, "__version__", "unknown"),
        "wrk": _version(["wrk", "--version"], r"wrk (\S+)"),
        "nginx": _version(["nginx", "-v"], r"nginx/(\S+)"),
    }


def markdown_lines(machine: dict[str, str], extra: dict[str, str] | None = None) -> list[str]:
    facts = {**machine, **(extra or {})}
    return [
        f"- Machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory']} RAM, "
        f"Linux {facts['kernel']} ({facts['os']}), host `{facts['host']}`",
        f"- Software: Python {facts['python']}, Django {facts['django']}, granian {facts['granian']}, "
        f"wrk {facts['wrk']}, nginx {facts['nginx']}"
        + "".join(f", {k} {v}" for k, v in (extra or {}).items()),
    ]
