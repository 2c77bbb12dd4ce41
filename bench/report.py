"""The one Markdown table: every row with its target from issue 6 and whether it was met."""

from __future__ import annotations

import dataclasses

MB = 1024 * 1024
RSS_LIMIT = 300 * MB


@dataclasses.dataclass
class Row:
    setup: str                 # "embedded (SQLite)", "PostgreSQL + Redis", "nginx", "in-process"...
    measure: str               # "free article", "meter decisions: SQL on SQLite"...
    throughput: str = "—"      # "1,234 req/s"
    p50: str = "—"
    p99: str = "—"
    errors: str = "—"
    ratio: str = "—"           # vs nginx
    rss: str = "—"
    target: str = "—"
    met: str = "—"             # "met", "missed", "—"


def req_s(value: float, unit: str = "req/s") -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}"


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def mib(value: int | None) -> str:
    return "—" if not value else f"{value / MB:.0f} MB"


def verdict(checks: list[tuple[str, bool]]) -> tuple[str, str]:
    """('target text', 'met' | 'missed: …')."""
    if not checks:
        return "—", "—"
    target = "; ".join(text for text, _ in checks)
    missed = [text for text, ok in checks if not ok]
    return target, "met" if not missed else "missed: " + "; ".join(missed)


def page_checks(kind: str, *, postgres: bool, ratio: float | None, p99_ms: float, errors: int,
                rss: int) -> list[tuple[str, bool]]:
    """The targets for one page row: a subscriber's read as fast as an anonymous one,
    anonymous metered and gated reads at 7% (embedded) or 8% (PostgreSQL + Redis) of nginx,
    free article and home at 12%, p99 under 50 ms where a reader waits on the meter."""
    checks: list[tuple[str, bool]] = []
    share = {"metered": 0.08 if postgres else 0.07, "gated": 0.08 if postgres else 0.07,
             "subscriber": 0.05, "free": 0.12, "home": 0.12}.get(kind)
    if share is not None:
        checks.append((f"≥ {share:.0%} of nginx", ratio is not None and ratio >= share))
    if kind in ("metered", "gated", "subscriber"):
        checks.append(("p99 < 50 ms", p99_ms < 50))
    checks.append(("no errors", errors == 0))
    checks.append(("RSS < 300 MB", 0 < rss < RSS_LIMIT))
    return checks


COLUMNS = ["Setup", "Measure", "Throughput", "p50", "p99", "Errors", "vs nginx", "Server RSS", "Target", "Met"]


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * len(COLUMNS)) + "|"]
    for row in rows:
        cells = [row.setup, row.measure, row.throughput, row.p50, row.p99, row.errors, row.ratio,
                 row.rss, row.target, row.met]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def rows_from_module(setup: str, results: list[dict]) -> list[Row]:
    """Rows from bench/meter.py or bench/renewals.py: their dicts, mapped onto the columns."""
    rows = []
    for result in results:
        lowered = {str(k).lower(): v for k, v in result.items()}

        def pick(*names):
            for name in names:
                for key, value in lowered.items():
                    if key == name or key.startswith(name):
                        return value
            return None

        measure = pick("measure", "name", "store", "what", "benchmark") or "—"
        rate = pick("decisions_per_s", "decisions/s", "subscriptions_per_s", "subscriptions/s", "per_s",
                    "rate", "ops", "throughput")
        unit = "renewals/s" if "renew" in " ".join(map(str, lowered)).lower() or "subscriptions" in \
            " ".join(map(str, lowered)) else "decisions/s"
        p50, p99 = pick("p50_ms", "p50"), pick("p99_ms", "p99")
        row = Row(setup=str(pick("setup", "backend") or setup), measure=str(measure))
        row.throughput = req_s(float(rate), unit) if isinstance(rate, (int, float)) else str(rate or "—")
        row.p50 = ms(float(p50)) if isinstance(p50, (int, float)) else str(p50 or "—")
        row.p99 = ms(float(p99)) if isinstance(p99, (int, float)) else str(p99 or "—")
        total = pick("total_s", "total", "seconds", "elapsed")
        extra = [f"{k}: {v}" for k, v in result.items()
                 if str(k).lower() not in {"measure", "name", "store", "setup", "backend", "what", "benchmark"}
                 and v not in (rate, p50, p99)]
        if isinstance(p99, (int, float)) and unit == "decisions/s":
            row.target, row.met = verdict([("p99 < 1 ms", float(p99) < 1.0)])
        elif total is not None:
            row.target = f"total {total} s"
        if extra and row.target == "—":
            row.target = ", ".join(extra)[:120]
        rows.append(row)
    return rows
