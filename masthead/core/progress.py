"""One progress bar for every long command (ingest, reindex, imports, sends, backups): a line
redrawn in place on a terminal, a line every few seconds elsewhere (logs, CI)."""

from __future__ import annotations

import sys
import time


def _write(stream, text: str) -> None:
    # Django's OutputWrapper (a command's self.stdout) ends every write with a newline unless
    # told otherwise; a plain stream writes what it is given.
    try:
        stream.write(text, ending="")
    except TypeError:
        stream.write(text)


class Bar:
    """``bar(done, total)`` draws the bar with the rate and time left; ``bar.close()`` ends the line."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stdout, width
        self.started = time.monotonic()
        self.interactive = getattr(self.stream, "isatty", lambda: False)()
        self._last_line = 0.0
        self._open = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.interactive and done < total and now - self._last_line < 5:
            return  # a line every few seconds in logs
        self._last_line = now
        elapsed = max(now - self.started, 1e-9)
        filled = self.width * min(done, total) // max(total, 1)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        line = (f"{self.label:<10} [{'#' * filled}{'-' * (self.width - filled)}] {done:,}/{total:,}"
                f"  {rate:,.0f}/s  {left:,.0f}s left")
        if self.interactive:
            _write(self.stream, "\r" + line)
            self._open = True
        else:
            _write(self.stream, line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._open:
            _write(self.stream, "\n")
            self.stream.flush()
            self._open = False


class Stages:
    """A bar per stage for work done in steps: ``progress(stage, done, total)``."""

    def __init__(self, stream=None):
        self.stream = stream
        self._bar: Bar | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None or self._bar.label != stage:
            self.close()
            self._bar = Bar(stage, self.stream)
        self._bar(done, total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
