"""The PDFs of a build, compiled by Typst in worker processes started for them alone.

Why processes of their own: Typst's compiler keeps a pool of threads, and a
process forked after that pool started inherits its bookkeeping but not its
threads, so its first compile waits forever.  Typst therefore never runs in
the build's own process, nor in the processes it forks for the DOCX and the
comparison; it runs in fresh interpreters (``python -m
policies.documents.pdf_pool``), which is safe whatever the calling process
did before, and imports nothing of the caller (multiprocessing's spawn would
re-run an unguarded calling script).

The build's process writes each policy's Typst source to a file (under a
millisecond a document) and frees its own memory before the workers start, so
the workers' memory never adds to the project's; the workers compile the
sources, one per core, and write each PDF into the docs tree themselves,
only where its bytes changed, so PDFs never travel back.  A document Typst
refuses is tried once more on its own; if it still fails, its reason comes
back by name and the others go on, so one run reports every failure.
Typst's threads each get a glibc malloc arena of their own, which more than
doubled a worker's memory (230 MiB against 90 MiB over 300 documents, the
same speed), so workers start with ``MALLOC_ARENA_MAX=1``.  Typst lays out on a pool of its own threads;
with a worker on each core those threads only contend for the same cores, so workers start with
``RAYON_NUM_THREADS=1`` (one thread besides the worker's own: 20.2 CPU-s instead of 23.1 for 300
documents, in the same time on one core).  Each worker compiles like documents one after another
(``likeness``), and exits after ``WORKER_DOCUMENTS`` documents, so whatever Typst keeps between documents
stays bounded at any number of schools.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from policies.load.project import Project
    from policies.resolve.policy import ResolvedPolicy

from policies.runtime.write import Made, write_if_changed

# Documents per worker process at most: a new one starts (~0.3 s, fonts loaded, none of the last one's layouts
# to reuse) after each run, which frees Typst's memory.  Typst drops old layouts as it goes: a worker's size
# levels off by its 50th staff policy (198 MiB, 205 MiB at the 500th), so runs can be long.
WORKER_DOCUMENTS = 1000
WORKER_ENV = {"MALLOC_ARENA_MAX": "1", "RAYON_NUM_THREADS": "1"}  # see the module's docstring
TRIES = 2  # a document Typst refuses is tried once more before it counts as failed


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its path in the docs tree, where to write it, a name for messages, its source file."""

    name: str
    path: str
    label: str
    source: str  # the Typst source's file


def compile_batch(
    jobs: Iterable[PdfJob], compile_source: Callable[[str], bytes] | None = None, *, report: bool = False
) -> list[Made]:
    """In a worker: compile and write each job's PDF; a refusal is tried ``TRIES`` times, then reported.

    With ``report``, each outcome is also printed as a JSON line as soon as it is known.
    """
    if compile_source is None:
        from policies.documents.typst_compile import compile_source as typst_compile

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
            outcomes.append(Made(job.name, write_if_changed(Path(job.path), data)))
            break
        else:
            outcomes.append(Made(job.name, error=f"the PDF of {job.label} could not be made: {reason}"))
        if report:
            print(json.dumps(dataclasses.asdict(outcomes[-1])), flush=True)
    return outcomes


class PdfMaker:
    """Compile PDFs in worker processes (``python -m policies.documents.pdf_pool``); ``result()`` waits.

    Up to ``workers`` workers go at once, one a core.  Each core has its share of the jobs, a run of them
    in their order (``likeness``), and feeds them to its worker one at a time; a core whose share is done
    takes the last job of the share with most left, so the cores end within a document of each other
    whatever each document costs, and each worker still compiles like documents in a row.  Shares of as
    many documents each, sent whole, left one worker compiling alone for the last 5-10 s of a 56 s stage
    at 2,000 schools; one queue for all, taken in turns, kept the cores busy to the end but cost each
    worker its neighbours' layouts.  Each worker exits after ``WORKER_DOCUMENTS`` documents and a fresh
    one takes its place, so Typst's memory is returned.  A worker reads its jobs as JSON lines on
    standard input and writes one JSON line per document as it is made, which the progress count
    follows.  Workers are plain processes, not multiprocessing's: nothing of the caller (its
    ``__main__`` above all) is imported into them, so ``build()`` is safe to call from any script,
    guarded or not.
    """

    def __init__(self, jobs: list[PdfJob], workers: int) -> None:
        self.jobs = jobs
        self.workers = max(1, workers)
        self.outcomes: list[Made] = []
        feeders = min(self.workers, len(jobs))  # one a core: each core's share of the jobs, in their order
        self._queues = [
            collections.deque(jobs[len(jobs) * k // feeders : len(jobs) * (k + 1) // feeders]) for k in range(feeders)
        ]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._running: set[subprocess.Popen[str]] = set()

    @property
    def done(self) -> int:
        with self._lock:
            return len(self.outcomes)

    def _next(self, core: int) -> PdfJob | None:
        """The next job of this core's share; once that is done, the last of the share with most left."""
        with self._lock:
            if self._stop.is_set():
                return None
            if self._queues[core]:
                return self._queues[core].popleft()
            fullest = max(self._queues, key=len)
            return fullest.pop() if fullest else None

    def _feed(self, core: int) -> None:
        """One core's work: workers one after another, until no job is left."""
        while (first := self._next(core)) is not None:
            self._worker(core, first)

    def _worker(self, core: int, first: PdfJob) -> None:
        """One worker process: ``first``, then the queue's next documents one at a time, up to
        ``WORKER_DOCUMENTS``."""
        command = [sys.executable, "-m", "policies.documents.pdf_pool"]
        env = {**os.environ, **WORKER_ENV}
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        ) as worker:
            with self._lock:
                self._running.add(worker)
            try:
                assert worker.stdin is not None and worker.stdout is not None and worker.stderr is not None
                stdin = worker.stdin
                sent = int(self._send(stdin, core, first))
                sent += self._send(stdin, core, self._next(core) if sent < WORKER_DOCUMENTS else None)  # one waiting
                for line in worker.stdout:
                    record = json.loads(line)
                    if "oserror" in record:
                        raise OSError(*record["oserror"])
                    with self._lock:
                        self.outcomes.append(Made(**record))
                    if not stdin.closed:
                        sent += self._send(stdin, core, self._next(core) if sent < WORKER_DOCUMENTS else None)
                error = worker.stderr.read().strip()
                if worker.wait() != 0 and not self._stop.is_set():
                    last = error.splitlines()[-1] if error else f"exit status {worker.returncode}"
                    raise RuntimeError(f"a PDF worker process failed: {last}")
            finally:
                with self._lock:
                    self._running.discard(worker)

    def _send(self, stdin: IO[str], core: int, job: PdfJob | None) -> bool:
        """Give a worker ``job`` or, with None, end its input; whether the job was sent.  A job that a worker
        which died could not take goes back to the core's share (its exit status is reported by the caller)."""
        try:
            if job is None:
                stdin.close()  # the worker ends once it has made what it has
                return False
            stdin.write(json.dumps(dataclasses.asdict(job)) + "\n")
            stdin.flush()
            return True
        except BrokenPipeError:
            with contextlib.suppress(OSError):
                stdin.close()
            if job is not None:
                with self._lock:
                    self._queues[core].appendleft(job)
            return False

    def result(self, progress: Callable[[int], object] | None = None) -> list[Made]:
        """Every outcome, once all are in; raises what a worker raised (an OSError: disk full, permissions)."""
        if not self.jobs:
            return []
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self._queues)) as pool:
            futures = [pool.submit(self._feed, core) for core in range(len(self._queues))]
            try:
                while not all(future.done() for future in futures):
                    concurrent.futures.wait(futures, timeout=0.2, return_when=concurrent.futures.FIRST_EXCEPTION)
                    if progress is not None:
                        progress(self.done)
                    if any(future.done() and future.exception() for future in futures):
                        break
            finally:
                self._stop.set()  # on a failure or an interrupt: no worker takes another document
                with self._lock:
                    for worker in self._running:
                        worker.kill()
            for future in futures:
                if future.done() and (exc := future.exception()) is not None:
                    raise exc
        return sorted(self.outcomes, key=lambda outcome: outcome.name)


def _worker() -> int:
    """``python -m policies.documents.pdf_pool``: compile each job read from standard input as it comes."""
    jobs = (PdfJob(**json.loads(line)) for line in iter(sys.stdin.readline, "") if line.strip())
    try:
        compile_batch(jobs, report=True)
    except OSError as exc:
        print(json.dumps({"oserror": [exc.errno, exc.strerror, exc.filename]}), flush=True)
        return 1
    return 0


def pdf_jobs(project: Project, policies: list[ResolvedPolicy], docs: Path, sources: Path) -> list[PdfJob]:
    """What the PDF workers compile: each policy's Typst source, written into ``sources``.

    On disk, so the build can free the policies before the workers start (pdf_pool.py).
    """
    from .pdf_typst import typst_source  # Typst's module, not its compiler: safe before a fork

    subject = project.outline.title if project.outline else ""
    jobs = []
    for policy in sorted(policies, key=likeness):
        name = f"downloads/{policy.stem}.pdf"
        source = sources / f"{policy.stem}.typ"
        source.write_text(typst_source(policy, project.references, subject=subject), encoding="utf-8")
        jobs.append(PdfJob(name, str(docs / name), f"{policy.name}'s policy", str(source)))
    return jobs


def likeness(policy: ResolvedPolicy) -> tuple[object, ...]:
    """The order PDFs are compiled in: like documents side by side.  A worker's Typst keeps the layout of
    what it compiled, so a document that follows a like one lays out only where they differ.

    Documents of one kind, then of one title (a school's family of policies keeps its title), then with the
    same clauses, then in the same variants.  1,000 documents of the benchmark's schools on one core: 48.9
    CPU-s in the schools' order; 34.7-36.4 by kind then clauses and variants together (neighbours had
    different clauses as often as not, as variants sorted before the clauses that follow them); 29.6-30.2
    in this order."""
    clauses = [clause for section in policy.sections for clause in section.clauses]
    ids, variants = tuple(clause.id for clause in clauses), tuple(clause.variant for clause in clauses)
    return policy.document, policy.title, ids, variants, policy.stem


if __name__ == "__main__":
    sys.exit(_worker())
