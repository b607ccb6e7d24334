"""``policies serve``: a clause edit reaches the served page; an unchanged tree is not rewritten."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from generator.serve import regenerate

from .conftest import copy_project


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


def test_clause_edit_shows_in_served_page(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/schools/elton/"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
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
