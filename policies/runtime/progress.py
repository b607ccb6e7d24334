"""What a long build is doing, on standard error: a live bar on a terminal, plain lines elsewhere.

Five schools build in a second or two; two thousand take most of a minute,
and a silent minute looks like a hang.  The build reports each stage as it
starts, how far it has got (pages rendered, documents made, pages MkDocs has
written) and when it ends.  On a terminal rich draws one bar per stage; in CI
logs and pipes only the stages that took a second or more get a line each,
written when they end, so a log stays short and shows where the time went.

rich draws only when the build calls ``update`` (``auto_refresh=False``, at
most ten times a second): its own drawing thread would be copied, mid-draw,
into the forked process that makes the DOCX files.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID

REDRAW_SECONDS = 0.1
PLAIN_MIN_SECONDS = 1.0  # shorter stages are not worth a line in a log


class Progress:
    """The silent reporter, and the interface of the others (tests and library calls use this one)."""

    def begin(self, stage: str, total: int = 0, unit: str = "") -> None:
        """A stage starts; ``total`` items of ``unit`` are to be done (0: not counted)."""

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` items of the current stage are done (``total`` when it became known only now)."""

    def end(self, seconds: float) -> None:
        """The current stage ended after ``seconds``."""

    def message(self, text: str) -> None:
        """A line for the reader while the build goes on (a bar, if any, stays below it)."""
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        """The build is over (finished or failed): leave the terminal clean for what is printed next."""


class PlainProgress(Progress):
    """One line per stage of a second or more, when it ends: ``site: 2,043 pages, 28.6 s``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._stage, self._unit, self._done, self._total = "", "", 0, 0

    def begin(self, stage: str, total: int = 0, unit: str = "") -> None:
        self._stage, self._unit, self._done, self._total = stage, unit, 0, total

    def update(self, done: int, total: int | None = None) -> None:
        self._done = done
        if total is not None:
            self._total = total

    def end(self, seconds: float) -> None:
        if seconds < PLAIN_MIN_SECONDS:
            return
        count = f"{self._done:,} {self._unit}, " if self._unit and self._done else ""
        print(f"{self._stage}: {count}{seconds:.1f} s", file=self._stream, flush=True)

    def message(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


class BarProgress(Progress):
    """rich's progress bars, one per stage, kept on screen once done with the stage's time."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._bars = RichProgress(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]:<9}"),
            TimeElapsedColumn(),
            console=Console(file=stream or sys.stderr),
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._bars.start()
        self._task: TaskID | None = None
        self._drawn = 0.0

    def begin(self, stage: str, total: int = 0, unit: str = "") -> None:
        self._task = self._bars.add_task(stage, total=total or None, unit=unit)
        self._draw(force=True)

    def update(self, done: int, total: int | None = None) -> None:
        if self._task is None:
            return
        if total is not None:
            self._bars.update(self._task, total=total or None)
        self._bars.update(self._task, completed=done)
        self._draw()

    def end(self, seconds: float) -> None:
        if self._task is None:
            return
        task = self._bars.tasks[-1]
        finished = task.total if task.total is not None else 1
        self._bars.update(self._task, total=finished, completed=finished)
        self._bars.stop_task(self._task)
        self._task = None
        self._draw(force=True)

    def message(self, text: str) -> None:
        self._bars.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        if self._bars.live.is_started:
            self._bars.stop()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._drawn >= REDRAW_SECONDS:
            self._bars.refresh()
            self._drawn = now


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar on a terminal, plain lines elsewhere (CI, a pipe, a log file)."""
    stream = stream or sys.stderr
    return BarProgress(stream) if stream.isatty() else PlainProgress(stream)
