"""Same inputs, same bytes: two builds give identical sites; a killed build leaves the previous site."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .helpers import POLICIES, copy_project, main, tree_digest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    roots = []
    for name in ("first", "second"):
        root = copy_project(tmp_path_factory.mktemp(name) / "project")
        assert main(["-C", str(root), "build"]) == 0
        roots.append(root)
    return roots[0], roots[1]


def test_two_builds_give_byte_identical_sites(two_builds: tuple[Path, Path]) -> None:
    first, second = (tree_digest(root / "site") for root in two_builds)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_documents_are_in_the_compared_site(two_builds: tuple[Path, Path]) -> None:
    names = tree_digest(two_builds[0] / "site")
    assert sum(n.endswith(".docx") for n in names) == 8  # the shipped schools publish 8 documents
    assert sum(n.endswith(".pdf") for n in names) == 8


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_killed_build_leaves_previous_site_usable(two_builds: tuple[Path, Path], delay: float) -> None:
    root = two_builds[0]
    before = tree_digest(root / "site")
    (root / "docs").joinpath("index.md").unlink()  # so the build has real work to do
    for pdf in (root / "docs" / "downloads").glob("*.pdf"):
        pdf.unlink()
    proc = subprocess.Popen(
        [*POLICIES, "-C", str(root), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_digest(root / "site") == before
    assert (root / "site" / "index.html").is_file()
    # The next build recovers, and gives the same site again.
    assert main(["-C", str(root), "build"]) == 0
    assert tree_digest(root / "site") == before
