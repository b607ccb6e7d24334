"""The PDFs of a build, compiled by Typst in worker processes started for them alone.

Why processes of their own: Typst's compiler keeps a pool of threads, and a
process forked after that pool started inherits its bookkeeping but not its
threads, so its first compile waits forever.  Typst therefore never runs in
the build's own process, nor in the processes it forks for the DOCX and the
comparison; it runs in workers *spawned* fresh (a new interpreter), which is
safe whatever the calling process did before.

The build's process writes each policy's Typst source to a file (under a
millisecond a document) and frees its own memory before the workers start, so
the workers' memory never adds to the project's; the workers compile the
sources in batches, one per core, and write each PDF into the docs tree
themselves, only where its bytes changed, so PDFs never travel back.  A
document Typst refuses is tried once more on its own; if it still fails, its
reason comes back by name and the others go on, so one run reports every
failure.  Typst's threads each get a glibc malloc arena of their
own, which more than doubled a worker's memory (230 MiB against 90 MiB over
300 documents, the same speed), so workers start with ``MALLOC_ARENA_MAX=1``;
and a worker is replaced after ``WORKER_BATCHES`` batches, so whatever Typst
keeps between documents stays bounded at any number of schools.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.load.project import Project
    from policies.resolve.policy import ResolvedPolicy

from policies.runtime.write import Made

BATCH = 10  # documents a worker compiles per task: few enough to spread the work evenly over the workers
WORKER_BATCHES = 50  # tasks before a worker is replaced (500 documents; Typst levels off at ~145 MiB)
WORKER_ENV = {"MALLOC_ARENA_MAX": "1"}  # see the module's docstring
TRIES = 2  # a document Typst refuses is tried once more before it counts as failed


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its path in the docs tree, where to write it, a name for messages, its source file."""

    name: str
    path: str
    label: str
    source: str  # the Typst source's file


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds it (same atomic rule as write.TreeWriter)."""
    if path.is_file() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.filename is None:
            exc.filename = str(path)
        raise
    return True


def compile_batch(jobs: list[PdfJob], compile_source: Callable[[str], bytes] | None = None) -> list[Made]:
    """In a worker: compile and write each job's PDF; a refusal is tried ``TRIES`` times, then reported."""
    if compile_source is None:
        from policies.documents.pdf_typst import compile_source as typst_compile

        compile_source = typst_compile
    outcomes = []
    for job in jobs:
        reason = ""
        for _ in range(TRIES):
            try:
                data = compile_source(Path(job.source).read_text(encoding="utf-8"))
            except (OSError, MemoryError):
                raise  # the system's problem (reported as such by the build), not this document's
            except Exception as exc:  # Typst refused this document: report it by name, keep the others
                reason = " ".join(str(exc).split()) or type(exc).__name__
                continue
            outcomes.append(Made(job.name, _write(Path(job.path), data)))
            break
        else:
            outcomes.append(Made(job.name, error=f"the PDF of {job.label} could not be made: {reason}"))
    return outcomes


class PdfMaker:
    """Compile PDFs in spawned workers while the caller goes on; ``result()`` waits for them.

    ``jobs`` is consumed by a feeder thread, at most two batches per worker
    ahead of the workers, so the build never holds every source at once.
    """

    def __init__(self, jobs: Iterable[PdfJob], total: int, workers: int) -> None:
        self.total = total
        self.outcomes: list[Made] = []
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._feeder: threading.Thread | None = None
        if total == 0:
            return
        workers = max(1, min(workers, -(-total // BATCH)))
        # Spawned workers take the environment of this process as it is when each starts (a replaced one
        # too), so the setting stays for the pool's life and is put back by close().
        self._saved_env = {name: os.environ.get(name) for name in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=WORKER_BATCHES,
        )
        self._slots = threading.Semaphore(2 * workers)
        self._stop = threading.Event()
        self._feeder = threading.Thread(target=self._feed, args=(iter(jobs),), daemon=True)
        self._feeder.start()

    @property
    def done(self) -> int:
        with self._lock:
            return len(self.outcomes)

    def _feed(self, jobs: Iterator[PdfJob]) -> None:
        assert self._pool is not None
        futures = []
        try:
            while not self._stop.is_set():
                batch = [job for _, job in zip(range(BATCH), jobs, strict=False)]
                if not batch:
                    break
                self._slots.acquire()
                future = self._pool.submit(compile_batch, batch)
                future.add_done_callback(self._collect)
                futures.append(future)
            concurrent.futures.wait(futures)
        except BaseException as exc:  # reported by result()
            self._failure = exc

    def _collect(self, future: concurrent.futures.Future[list[Made]]) -> None:
        self._slots.release()
        if future.cancelled():
            return
        if (exc := future.exception()) is not None:
            self._failure = self._failure or exc
            self._stop.set()
            return
        with self._lock:
            self.outcomes += future.result()

    def result(self, progress: Callable[[int], object] | None = None) -> list[Made]:
        """Every outcome, once all are in; raises what a worker raised (an OSError: disk full, permissions)."""
        if self._feeder is not None:
            while self._feeder.is_alive():
                self._feeder.join(0.2)
                if progress is not None:
                    progress(self.done)
        self.close()
        if isinstance(self._failure, BrokenProcessPool):
            raise RuntimeError("a PDF worker process died (out of memory?)") from self._failure
        if self._failure is not None:
            raise self._failure
        return sorted(self.outcomes, key=lambda outcome: outcome.name)

    def close(self) -> None:
        """Stop feeding and end the workers (also when the build stops early)."""
        if self._pool is not None:
            self._stop.set()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            for name, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def pdf_jobs(project: Project, policies: list[ResolvedPolicy], docs: Path, sources: Path) -> list[PdfJob]:
    """What the PDF workers compile: each policy's Typst source, written into ``sources``.

    On disk, so the build can free the policies before the workers start (pdf_pool.py).
    """
    from .pdf_typst import typst_source  # Typst's module, not its compiler: safe before a fork

    subject = project.outline.title if project.outline else ""
    jobs = []
    for policy in policies:
        name = f"downloads/{policy.stem}.pdf"
        source = sources / f"{policy.stem}.typ"
        source.write_text(typst_source(policy, project.references, subject=subject), encoding="utf-8")
        jobs.append(PdfJob(name, str(docs / name), f"{policy.name}'s policy", str(source)))
    return jobs
