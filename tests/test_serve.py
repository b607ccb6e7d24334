"""``policies serve``: a clause edit reaches the served page; an unchanged tree is not rewritten."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from policies.serve import regenerate

from .helpers import POLICIES, copy_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def test_regenerate_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert regenerate(root, print)
    stamps = {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*")}
    assert regenerate(root, print)
    assert {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*")} == stamps


@pytest.mark.slow
def test_clause_edit_shows_in_served_page(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/schools/elton/"
    proc = subprocess.Popen(
        [*POLICIES, "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: "Elton Primary School" in fetch(url), timeout=60)
        clause = root / "clauses" / "staff-relationships" / "staff-former-pupils.md"
        clause.write_text(
            clause.read_text(encoding="utf-8").replace(
                "Staff must not have personal online contact", "Staff must never have personal online contact"
            ),
            encoding="utf-8",
        )
        seconds = wait_for(lambda: "Staff must never have personal online contact" in fetch(url), timeout=30)
        print(f"clause edit visible after {seconds:.2f} s")
        assert "Staff must never have personal online contact" in (root / "docs/schools/elton.md").read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended, only not yet been reaped


def _start_serve(root: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [*POLICIES, "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: "</html>" in fetch(f"http://127.0.0.1:{port}/"), timeout=60)
    return proc


@pytest.mark.slow
def test_stopping_the_preview_stops_mkdocs(tmp_path: Path) -> None:
    """SIGTERM (a service manager, a test) ends MkDocs as Ctrl+C does; SIGKILL too, through the kernel."""
    root = copy_project(tmp_path / "project")
    for stop in ("terminate", "kill"):
        proc = _start_serve(root, free_port())
        (mkdocs,) = _children(proc.pid)
        getattr(proc, stop)()
        proc.wait(timeout=20)
        wait_for(lambda mkdocs=mkdocs: not _alive(mkdocs), timeout=20)
        if stop == "terminate":
            assert proc.returncode == 0


@pytest.mark.slow
def test_a_taken_port_is_an_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    port = free_port()
    first = _start_serve(root, port)
    try:
        second = subprocess.run(
            [*POLICIES, "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert "Address already in use" in second.stderr
        assert "mkdocs serve stopped (exit status 1): see its messages above" in second.stderr
    finally:
        first.terminate()
        first.wait(timeout=20)


def test_the_preview_watches_files_every_tenth_of_a_second() -> None:
    """MkDocs polls every 0.5 s by itself, half the budget from an edit to the page; the hook must still fit."""
    code = (
        "from policies.website.mkdocs_serve import quicker_watcher\n"
        "from mkdocs.commands import serve\n"
        "assert quicker_watcher()\n"
        "server = serve.LiveReloadServer(builder=print, host='127.0.0.1', port=0, root='.')\n"
        "print(server.observer.timeout)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.1"
