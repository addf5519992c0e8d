"""Progress for the commands that can take more than a second, on a terminal only.

A person at a terminal should see that a long command is moving; a script piping the output
must get the data and nothing else. So progress goes to stderr, only when stderr is a terminal,
rewrites one line in place (``\\r``) at most a few times a second, and is erased when the
command ends, leaving only the command's one summary line.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType

import click

__all__ = ["Progress", "Working", "on_terminal"]

#: Nothing is drawn before a command has run this long: a fast command never flickers.
QUIET_FOR = 1.0
#: Redraw at most this often (seconds).
REDRAW_EVERY = 0.2


def on_terminal() -> bool:
    """True when stderr is a terminal (a person is watching), False when piped or captured."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class Progress:
    """A running count: ``progress(n)`` as items are done, ``done()`` to erase the line.

    ``Progress("read", "releases")`` draws "  read 12,500 releases (830/s)".
    """

    def __init__(self, verb: str, unit: str, *, enabled: bool = True) -> None:
        self.verb, self.unit = verb, unit
        self.enabled = enabled and on_terminal()
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, count: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < QUIET_FOR or now - self._drawn_at < REDRAW_EVERY:
            return
        self._drawn_at = now
        self._draw(f"  {self.verb} {count:,} {self.unit} ({count / elapsed:,.0f}/s)")

    def _draw(self, text: str) -> None:
        click.echo("\r" + text.ljust(self._width), err=True, nl=False)
        self._width = max(self._width, len(text))

    def done(self) -> None:
        """Erase the progress line (if one was drawn) so the summary line stands alone."""
        if self.enabled and self._width:
            click.echo("\r" + " " * self._width + "\r", err=True, nl=False)
            self._width = 0


class Working(Progress):
    """For a step that reports no count (a merge): "  merging segments… 12 s", from a thread."""

    def __init__(self, what: str, *, enabled: bool = True) -> None:
        super().__init__(what, "", enabled=enabled)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Working:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="newsindex-progress", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(REDRAW_EVERY):
            elapsed = time.monotonic() - self.started
            if elapsed >= QUIET_FOR:
                self._draw(f"  {self.verb}… {elapsed:.0f} s")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.done()
