"""One progress bar for long commands (reindex, generated archives): a line redrawn in
place on a terminal, a line per step elsewhere (logs, CI)."""

from __future__ import annotations

import sys
import time


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
        filled = self.width * done // max(total, 1)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        line = (f"{self.label:<10} [{'#' * filled}{'-' * (self.width - filled)}] {done:,}/{total:,}"
                f"  {rate:,.0f}/s  {left:,.0f}s left")
        if self.interactive:
            self.stream.write("\r" + line)
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
