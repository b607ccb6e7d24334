"""``mkdocs build`` processes run side by side, with their logs cut down to what the user needs.

A thread pool of ``jobs`` threads each runs one MkDocs process at a time (the work is in the
processes; a thread only waits for one); the calling thread meanwhile counts the pages written for
the progress bar.  Runs start in the order given (the caller puts the longest first).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from policies.errors import SiteBuildError, SiteOSError

POLL_SECONDS = 0.2
# Material's end-of-life banner is known (see README) and would bury real errors: every MkDocs run, built
# or served, gets this in its environment.
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1"}

PageProgress = Callable[[int, int], object]  # (pages built, pages to build)

# The last line of a Python traceback for an OSError: "PermissionError: [Errno 13] Permission denied: '/x'".
_OS_ERROR = re.compile(
    r"^(?:\w+\.)*\w*Error: \[Errno \d+\] (?P<reason>[^:\n]+?)(?:: '(?P<path>[^'\n]*)')?(?: -> '(?P<path2>[^'\n]*)')?$"
)


@dataclass
class Run:
    """One ``mkdocs build``: its configuration on standard input (None: mkdocs.yml itself) and output folder."""

    config: str | None
    output: Path
    pages: int
    label: str = ""  # which shard, for error messages
    failed: bool = False


# Not --quiet: it silences warnings before --strict counts them, so a broken link would pass.
_COMMAND = [sys.executable, "-m", "mkdocs", "build", "--strict"]


def _environment(source_date_epoch: int) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch), **QUIET_ENV}


def _mkdocs(root: Path, env: dict[str, str], log: IO[str], site_dir: Path | None) -> subprocess.Popen[str]:
    """``mkdocs build --strict`` of mkdocs.yml into ``site_dir``; without one, of the configuration it reads
    from standard input (the output folder given in it).  Its output goes to ``log``, not a pipe: it never
    blocks."""
    args = [*_COMMAND, "--site-dir", str(site_dir)] if site_dir is not None else [*_COMMAND, "--config-file", "-"]
    stdin = subprocess.DEVNULL if site_dir is not None else subprocess.PIPE
    return subprocess.Popen(args, cwd=root, env=env, text=True, stdout=log, stderr=subprocess.STDOUT, stdin=stdin)


class Spare:
    """An ``mkdocs build`` started before its run is planned: it imports MkDocs (0.2 s) while the build
    works out what to build, then reads its configuration, output folder included, from standard input.

    MkDocs reads a configuration given as ``-`` only once it has imported its command line, so the
    process waits there; the first run given a configuration on standard input takes it (``run_mkdocs``),
    and ``close`` ends it if none did (an unchanged site)."""

    def __init__(self, root: Path, source_date_epoch: int) -> None:
        # Closed by close(), once the run that took it is done.
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.process: subprocess.Popen[str] | None = _mkdocs(root, _environment(source_date_epoch), self.log, None)

    def take(self) -> tuple[subprocess.Popen[str], IO[str]] | None:
        process, self.process = self.process, None
        return None if process is None else (process, self.log)

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait()
            self.process = None
        self.log.close()


def run_mkdocs(
    root: Path,
    runs: list[Run],
    source_date_epoch: int,
    jobs: int,
    progress: PageProgress | None,
    spare: Spare | None = None,
) -> list[SiteBuildError]:
    """Run the MkDocs builds, ``jobs`` at a time, reporting pages built; returns each failure, in run order.

    ``spare``: a process started already, which the first run with a configuration of its own takes.
    On an interrupt or an error here, the processes still running are killed and no other starts.
    """
    env = _environment(source_date_epoch)
    running: dict[int, subprocess.Popen[str]] = {}  # by index in runs
    lock = threading.Lock()
    stopping = threading.Event()

    def one(index: int, run: Run) -> SiteBuildError | None:
        with contextlib.ExitStack() as stack:
            with lock:
                if stopping.is_set():
                    return None
                taken = spare.take() if spare is not None and run.config is not None else None
                if taken is not None:
                    process, log = taken
                else:
                    log = stack.enter_context(tempfile.TemporaryFile(mode="w+", encoding="utf-8"))
                    process = _mkdocs(root, env, log, run.output if run.config is None else None)
                running[index] = process
            if run.config is not None and process.stdin is not None:
                # The output folder in the configuration, not on the command line: a spare one has started.
                with contextlib.suppress(BrokenPipeError):  # it ended already: its log says why
                    process.stdin.write(f"site_dir: {json.dumps(str(run.output.resolve()))}\n{run.config}")
                    process.stdin.close()
            process.wait()
            with lock:
                del running[index]
            if process.returncode == 0:
                return None
            run.failed = True
            log.seek(0)
            return _failure(log.read(), f" ({run.label})" if run.label else "")

    total = sum(run.pages for run in runs)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="mkdocs") as pool:
        futures = [pool.submit(one, index, run) for index, run in enumerate(runs)]
        try:
            pending = set(futures)
            while pending:
                _, pending = wait(pending, POLL_SECONDS if progress is not None else None, FIRST_COMPLETED)
                if progress is not None:
                    finished = sum(run.pages for future, run in zip(futures, runs, strict=True) if future.done())
                    with lock:
                        building = sum(min(runs[i].pages, _pages_written(runs[i].output)) for i in running)
                    progress(finished + building, total)
        except BaseException:
            stopping.set()
            for future in futures:
                future.cancel()
            with lock:
                for process in running.values():
                    process.kill()
            raise
    return [failure for future in futures if (failure := future.result()) is not None]


def joined(failures: list[SiteBuildError]) -> SiteBuildError:
    """One error for every failed run: the system's first complaint if there is one, else all of them."""
    for failure in failures:
        if isinstance(failure, SiteOSError):
            return failure
    return SiteBuildError("\n".join(str(f) for f in failures), "\n".join(f.log for f in failures))


def _failure(log: str, where: str) -> SiteBuildError:
    """What a failed MkDocs run tells the user: an OS error in one line, else its warnings and errors.

    A Python traceback is cut to its last line (what went wrong); the full log stays on the exception.
    """
    lines = [line for line in log.splitlines() if line.strip()]
    if "Traceback (most recent call last)" in log and lines:
        last = lines[-1].strip()
        if found := _OS_ERROR.match(last):
            return SiteOSError(found["path"], found["reason"], log, found["path2"])
        return SiteBuildError(f"mkdocs build failed{where}: {last}", log)
    return SiteBuildError(f"mkdocs build failed{where}:\n{_problems(log)}", log)


def _pages_written(output: Path) -> int:
    """Pages MkDocs has written so far (one HTML file each; its 404 page is written last)."""
    count = 0
    for _, _, files in os.walk(output):
        count += sum(1 for name in files if name.endswith(".html"))
    return count


def _problems(log: str) -> str:
    """MkDocs' output without its INFO lines (and their continuation lines): the warnings and errors."""
    kept = []
    info = False
    for line in log.splitlines():
        if line.startswith("INFO"):
            info = True
        elif not (info and line[:1].isspace()):
            info = False
            kept.append(line)
    return "\n".join(kept).strip()
