"""Run one piece of work on another core while the build goes on.

The DOCX files need only the resolved policies, which exist before the site
pages are rendered, so a forked child writes the documents while the parent
renders pages: on two cores the documents cost almost no wall time.  ``fork``
(not ``spawn``) means nothing is pickled on the way in and the child starts in
milliseconds with the loaded project already in memory; only the result
(bytes) comes back through a pipe.  Where ``fork`` does not exist the work is
simply done in place.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")


class BackgroundError(RuntimeError):
    """The child failed; carries its traceback as text."""


class Background(Generic[T]):
    """``work()`` computed in a forked child; ``result()`` waits for it and returns it with its wall time."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._process = None
        self._inline: tuple[T, float] | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            start = time.perf_counter()
            self._inline = (work(), time.perf_counter() - start)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(work, send), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> tuple[T, float]:
        """The work's value and the seconds the child spent on it."""
        if self._inline is not None:
            return self._inline
        assert self._process is not None
        try:
            ok, value, seconds = self._receive.recv()
        except EOFError:
            raise BackgroundError(f"background worker exited with code {self._process.exitcode}") from None
        finally:
            self._receive.close()
            self._process.join()
        if not ok:
            raise BackgroundError(value)
        return value, seconds


def _child(work: Callable[[], object], send: Connection) -> None:
    start = time.perf_counter()
    try:
        value = work()
    except BaseException:  # reported to the parent, which raises it
        send.send((False, traceback.format_exc(), 0.0))
    else:
        send.send((True, value, time.perf_counter() - start))
    finally:
        send.close()
