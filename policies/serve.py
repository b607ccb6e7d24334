"""Live preview: regenerate the Markdown tree when inputs change; MkDocs serves it.

``mkdocs serve`` already rebuilds and reloads the browser when ``docs/`` or the
theme changes (run through ``mkdocs_serve``, whose watcher polls every 0.1 s,
not 0.5 s).  This module adds the missing half: it watches ``clauses/`` and
``schools/`` (polling, so no extra dependency), re-runs check and render, and
rewrites only the generated files whose content changed, so MkDocs's watcher
sees one change and does not loop.  Bad input is reported and the last good
pages stay up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from policies.errors import InputError
from policies.load.problems import Problems
from policies.pipeline import build
from policies.runtime.libc import libc
from policies.website.runner import QUIET_ENV

WATCHED = ("clauses", "schools", "organisations")
PR_SET_PDEATHSIG = 1  # prctl(2)


SERVE_ARGS = ("serve", "--dirty", "--no-strict", "--dev-addr")


def snapshot(root: Path) -> dict[Path, tuple[int, int]]:
    stamps = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*") if (root / folder).is_dir() else ():
            if path.is_file():
                stat = path.stat()
                stamps[path] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def regenerate(root: Path, report: Callable[[Problems], object]) -> bool:
    """One generation pass; True when the pages were brought up to date."""
    try:
        result = build(root, site=False, pdf=False)
    except InputError as exc:
        report(exc.problems)
        print("not updated: fix the problems above", file=sys.stderr, flush=True)
        return False
    if result.changed or result.removed:
        print(f"updated {len(result.changed)} page(s), removed {len(result.removed)}", flush=True)
    return True


def serve(root: Path, address: str, report: Callable[[Problems], object], poll: float = 0.1) -> int:
    if not regenerate(root, report):
        return 1
    env = {**os.environ, **QUIET_ENV}
    # --dirty: MkDocs rebuilds only the pages whose Markdown changed (the navigation is fixed, so nothing
    # else depends on them), which keeps a clause edit's round trip under a second.  --no-strict: MkDocs
    # warns about every dirty build; `policies build` stays strict.
    server = subprocess.Popen(
        [sys.executable, "-m", "policies.website.mkdocs_serve", *SERVE_ARGS, address],
        cwd=root,
        env=env,
        preexec_fn=_end_with_parent,
    )
    # A service manager or a test stops the preview with SIGTERM: stop MkDocs too, as Ctrl+C does,
    # rather than leave it holding the port.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    seen = snapshot(root)
    interrupted = False
    try:
        while server.poll() is None:
            time.sleep(poll)
            current = snapshot(root)
            if current != seen:
                seen = current
                regenerate(root, report)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        status = server.poll()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    if status is not None and not interrupted:  # MkDocs ended on its own: the port was taken, say
        print(f"mkdocs serve stopped (exit status {status}): see its messages above", file=sys.stderr)
        return 1
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _end_with_parent() -> None:
    """In the MkDocs child, before it starts: on Linux, be sent SIGTERM if this process dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        libc().prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # type: ignore[union-attr]  # None: AttributeError
