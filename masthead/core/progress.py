"""A progress bar for long commands: one line redrawn on a terminal, a line a step otherwise."""

from __future__ import annotations


class ProgressBar:
    """Called as progress(stage, done, total); writes "<stage> [####------] done/total"."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width = stream, width
        self.interactive = bool(getattr(stream, "isatty", lambda: False)())
        self._last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        total = max(total, 1)
        filled = self.width * min(done, total) // total
        line = f"{stage:<20} [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}"
        if self.interactive:
            self.stream.write("\r" + line, ending="\n" if done >= total else "")
            self.stream.flush()
        else:
            quarter = 4 * min(done, total) // total
            if self._last != (stage, quarter):  # a log gets a line a quarter, not one a page
                self.stream.write(line)
            self._last = (stage, quarter)
