"""Run the memory-hungry half of a build in a forked process that ends before the rest begins.

Loading, checking and resolving 2,000 schools and rendering their pages takes
a few hundred MiB that Python keeps after it is done with it (freed objects
leave its heap fragmented), and the PDF workers and MkDocs processes that
come next need memory of their own.  So that half runs in a forked child:
when it ends, its memory is the system's again, and the build's own process,
which only orchestrates, stays small.

The child reports its progress as it goes (each ``Progress`` call is sent up
a pipe and replayed here, so a terminal bar stays live) and returns a small
summary.  Its failures come back as what they are: the problems of bad input,
documents that could not be made, the system's refusals (``OSError``), or a
bug's traceback.  Where ``fork`` does not exist the work runs in place.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from policies.errors import BackgroundError, DocumentError, InputError
from policies.runtime.progress import Progress

T = TypeVar("T")


# Counts sent up at most this often: a bar redraws a few times a second, and a message for each of 3,300
# pages kept the parent busy replaying them for 0.15 s after the child was done.
UPDATE_SECONDS = 0.05


class _RemoteProgress(Progress):
    """In the child: every call goes up the pipe, to the parent's own progress; a count only every
    ``UPDATE_SECONDS``, the latest one always before whatever comes next."""

    def __init__(self, send: Connection) -> None:
        self._send = send
        self._sent = 0.0
        self._pending: tuple[int, int | None] | None = None

    def begin(self, stage: str, total: int = 0, unit: str = "") -> None:
        self._flush()
        self._send.send(("progress", ("begin", (stage, total, unit))))

    def update(self, done: int, total: int | None = None) -> None:
        self._pending = (done, total)
        now = time.monotonic()
        if total is not None or now - self._sent >= UPDATE_SECONDS:
            self._sent = now
            self._flush()

    def end(self, seconds: float) -> None:
        self._flush()
        self._send.send(("progress", ("end", (seconds,))))

    def message(self, text: str) -> None:
        self._flush()
        self._send.send(("progress", ("message", (text,))))

    def _flush(self) -> None:
        if self._pending is not None:
            self._send.send(("progress", ("update", self._pending)))
            self._pending = None


def run_isolated(work: Callable[[Progress], T], report: Progress) -> T:
    """``work(progress)`` in a forked child; its result, or what it raised, here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work(report)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, send), daemon=False)
    process.start()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise BackgroundError(
                    f"the build's worker process ended without finishing (exit status {process.exitcode})"
                ) from None
            if kind == "progress":
                method, args = payload
                getattr(report, method)(*args)
            elif kind == "result":
                return payload  # type: ignore[no-any-return]
            elif kind == "input":
                raise InputError(payload)
            elif kind == "documents":
                raise DocumentError(payload)
            elif kind == "oserror":
                raise OSError(*payload)
            else:
                raise BackgroundError(payload)
    finally:
        receive.close()
        process.join()


_kept: list[object] = []  # in a child, what keep_until_exit was given
_in_child = False


def keep_until_exit(*objects: object) -> None:
    """In the isolated child: keep ``objects`` (the project, every resolved document) until the child ends,
    instead of Python freeing them one by one when the work returns.  Its memory goes back to the system at
    once when it ends; freeing 2,000 schools' documents first took 0.15-0.25 s, which the build waited for.
    Elsewhere (no ``fork``: the work runs in the build's own process), nothing is kept."""
    if _in_child:
        _kept.extend(objects)


def _child(work: Callable[[Progress], Any], send: Connection) -> None:
    global _in_child
    _in_child = True
    # No cyclic collection here (nor in the processes this child forks): the child's memory goes back to
    # the system when it ends, and its peak is in live objects, not in cycles.  At 2,000 schools the
    # collector still took 0.2 s of a one-school rebuild's 3.9 s here, at COLLECT_EVERY; without it the
    # child peaked at the same 263 MiB (333 MiB for a full build, with its forks at 205 MiB).
    gc.disable()
    try:
        result = work(_RemoteProgress(send))
    except KeyboardInterrupt:
        return  # the build's own process was interrupted too, and says so
    except InputError as exc:
        send.send(("input", exc.problems))
    except DocumentError as exc:
        send.send(("documents", exc.failures))
    except OSError as exc:
        send.send(("oserror", (exc.errno, exc.strerror, exc.filename, None, exc.filename2)))
    except BaseException:  # a bug: its traceback, for --debug
        send.send(("error", traceback.format_exc()))
    else:
        send.send(("result", result))
    finally:
        send.close()


# The cyclic collector's first threshold while a build runs.  A build makes millions of small objects
# that live until it ends (the library, every school's model and resolved documents); at Python's
# default (700) the collector walks them all again and again: a quarter of an unchanged rebuild's time
# at 500 schools.  Cycles are still collected, once 500,000 new container objects have been made (mypy,
# for the same reason, sets 200,000); a build's memory peaks in its live objects, not in its garbage.
COLLECT_EVERY = 500_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block (and in the processes it forks) the collector runs less often; then as before."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], COLLECT_EVERY), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
