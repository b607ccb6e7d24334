"""Live preview: regenerate the Markdown tree when inputs change; MkDocs serves it.

``mkdocs serve`` already rebuilds and reloads the browser when ``docs/`` or the
theme changes.  This module adds the missing half: it watches ``clauses/`` and
``schools/`` (polling, so no extra dependency), re-runs check and render, and
rewrites only the generated files whose content changed, so MkDocs's watcher
sees one change and does not loop.  Bad input is reported and the last good
pages stay up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .build import build
from .problems import InputError, Problems

WATCHED = ("clauses", "schools")


def snapshot(root: Path) -> dict[Path, tuple[int, int]]:
    stamps = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
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
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # --dirty: MkDocs rebuilds only the pages whose Markdown changed (the navigation is fixed, so nothing
    # else depends on them), which keeps a clause edit's round trip under a second.  --no-strict: MkDocs
    # warns about every dirty build; `policies build` stays strict.
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--dev-addr", address], cwd=root, env=env
    )
    seen = snapshot(root)
    try:
        while server.poll() is None:
            time.sleep(poll)
            current = snapshot(root)
            if current != seen:
                seen = current
                regenerate(root, report)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0
