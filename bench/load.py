"""Load from wrk: bounded runs on loopback, parsed into plain numbers."""

from __future__ import annotations

import dataclasses
import re
import subprocess

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclasses.dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    duration_s: float
    raw: str = dataclasses.field(repr=False, default="")

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot read the latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str, duration_s: float) -> LoadResult:
    """Read wrk's --latency report."""
    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output)
        if match:
            return match.group(1)
        if default is None:
            raise ValueError(f"wrk's output has no {pattern!r}:\n{output}")
        return default

    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return LoadResult(
        requests_per_s=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"\n\s+50%\s+(\S+)")),
        p99_ms=_ms(find(r"\n\s+99%\s+(\S+)")),
        requests=int(find(r"(\d+) requests in")),
        non_2xx_3xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        duration_s=duration_s,
        raw=output,
    )


def wrk(url: str, *, duration_s: float, connections: int = 32, threads: int = 2,
        cookie: str | None = None, timeout_s: int = 5) -> LoadResult:
    """One bounded wrk run against a loopback URL."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s", f"--timeout={timeout_s}s", "--latency"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    argv.append(url)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 60, check=True)
    return parse_wrk(done.stdout, duration_s)


@dataclasses.dataclass(frozen=True)
class PairedResult:
    """Latency differences of two requests sent back to back, many times (second minus first)."""

    pairs: int
    p50_ms: float
    p99_ms: float
    second_per_s: float  # the second request's rate, from its mean latency
    errors: int


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def paired(url: str, first: tuple[str, str | None], second: tuple[str, str | None], *,
           duration_s: float) -> PairedResult:
    """Alternate two requests (path, Cookie header) on one keep-alive connection.

    Each pair is measured under the same conditions (the same moment, the same load on
    the machine), so the difference of each pair is what the second request adds; its
    percentiles are the cost's percentiles. A difference of two runs' percentiles is not:
    it can even come out negative.
    """
    import http.client
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def timed(path: str, cookie: str | None) -> tuple[float, bool]:
        headers = {"User-Agent": "masthead-bench", "Accept": "text/html"}
        if cookie:
            headers["Cookie"] = cookie
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000.0, 200 <= response.status < 400

    differences, seconds, errors = [], [], 0
    end = time.monotonic() + duration_s
    try:
        while time.monotonic() < end:
            a, ok_a = timed(*first)
            b, ok_b = timed(*second)
            errors += (not ok_a) + (not ok_b)
            differences.append(b - a)
            seconds.append(b)
    finally:
        connection.close()
    differences.sort()
    mean = sum(seconds) / len(seconds)
    return PairedResult(pairs=len(differences), p50_ms=_percentile(differences, 0.5),
                        p99_ms=_percentile(differences, 0.99), second_per_s=1000.0 / mean, errors=errors)
