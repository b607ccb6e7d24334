"""Run one stream of work on another core while the build goes on.

The DOCX files need only the resolved policies, which exist before the site
pages are rendered, so a forked child writes the documents while the parent
renders pages: on two cores the documents cost almost no wall time.  ``fork``
(not ``spawn``) means nothing is pickled on the way in and the child starts in
milliseconds with the loaded project already in memory.  The results come
back one at a time through a pipe, drained by a thread of the parent as they
arrive, so neither side ever holds a second copy of them all (at 2,000 schools
that copy was 100 MB).  Where ``fork`` does not exist the work is done in place.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from policies.errors import BackgroundError

T = TypeVar("T")
PROGRESS_SECONDS = 0.2


class Background(Generic[T]):
    """The items of ``work()``, produced in a forked child; ``result()`` returns them and the child's seconds."""

    def __init__(self, work: Callable[[], Iterable[T]], *, collect: bool = True) -> None:
        """Fork the child now; unless ``collect`` is False, also start taking its items (see ``start_all``)."""
        self._items: list[T] = []
        self._seconds = 0.0
        self._error: str | None = None
        self._os_error: OSError | None = None
        if not self.forks():
            start = time.perf_counter()
            self._items = list(work())
            self._seconds = time.perf_counter() - start
            self._process = None
            return
        # Objects that exist now are shared with the child until either side writes to them, and a
        # garbage collection writes to every one: frozen, the collectors of both sides leave them be.
        # They stay frozen: the process that made them ends with the first half of the build (isolate.py).
        gc.freeze()
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(work, send), daemon=True)
        self._process.start()  # before the thread below: fork only a single-threaded process
        send.close()
        self._collector = threading.Thread(target=self._collect, daemon=True)
        if collect:
            self._collector.start()

    @staticmethod
    def forks() -> bool:
        """Whether work can go to another process here (else ``Background`` does it in place)."""
        return "fork" in multiprocessing.get_all_start_methods()

    @classmethod
    def start_all(cls, works: Sequence[Callable[[], Iterable[T]]]) -> list[Background[T]]:
        """One child per work, all forked before any collecting thread starts (a fork copies only one thread)."""
        started = [cls(work, collect=False) for work in works]
        for background in started:
            if background._process is not None:
                background._collector.start()
        return started

    def _collect(self) -> None:
        try:
            while True:
                kind, payload = self._receive.recv()
                if kind == "item":
                    self._items.append(payload)
                elif kind == "oserror":
                    self._os_error = OSError(*payload)
                    return
                elif kind == "done":
                    self._seconds = payload
                    return
                else:
                    self._error = payload
                    return
        except EOFError:
            self._error = "background worker ended without finishing"
        finally:
            self._receive.close()

    @property
    def arrived(self) -> int:
        """How many items have come back so far."""
        return len(self._items)

    def result(self, progress: Callable[[int], object] | None = None) -> tuple[list[T], float]:
        """Every item in order, and the seconds the child worked; raises what the child raised.

        While it waits, ``progress`` is told how many items have arrived, a few times a second.
        """
        if self._process is not None:
            while self._collector.is_alive():
                self._collector.join(PROGRESS_SECONDS)
                if progress is not None:
                    progress(len(self._items))
            self._process.join()
        if self._os_error is not None:
            raise self._os_error  # the system's refusal (disk full, permissions): the user's to fix, not a bug
        if self._error is not None:
            raise BackgroundError(self._error)
        return self._items, self._seconds


def _child(work: Callable[[], Iterable[object]], send: Connection) -> None:
    start = time.perf_counter()
    try:
        for item in work():
            send.send(("item", item))
    except OSError as exc:
        send.send(("oserror", (exc.errno, exc.strerror, exc.filename)))
    except BaseException:  # reported to the parent, which raises it
        send.send(("error", traceback.format_exc()))
    else:
        send.send(("done", time.perf_counter() - start))
    finally:
        send.close()
