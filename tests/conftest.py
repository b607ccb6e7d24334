"""Shared fixtures: the shipped project, throwaway copies of it, inline file trees."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Tests pin the build date (1 November 2026) so review statuses and goldens do not change with the commit.
os.environ["SOURCE_DATE_EPOCH"] = "1793491200"

from .helpers import ROOT, copy_project, pages_of


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden from the current output")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def checkout_state() -> dict[str, object]:
    """What a build would change in the checkout: its output folders, and git's view of every file."""
    state: dict[str, object] = {
        p.name: p.stat().st_mtime_ns for p in ROOT.iterdir() if p.name in ("docs", "site", ".policies-cache")
    }
    state |= {p.name: "present" for p in ROOT.glob(".site-*")}
    status = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False)
    state["git status"] = status.stdout if status.returncode == 0 else None
    return state


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched(request: pytest.FixtureRequest) -> Iterator[None]:
    """No test writes into the real checkout (builds go to copies); --update-goldens is the one exception."""
    before = checkout_state()
    yield
    if not request.config.getoption("--update-goldens"):
        assert checkout_state() == before, "a test wrote into the checkout: build in copy_project() or tmp_path"


@pytest.fixture(scope="session")
def shipped_pages() -> dict[str, str]:
    """The Markdown pages ``build`` writes for the shipped project (built once, in a copy; never at import)."""
    return pages_of(ROOT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


FileTree = Callable[[dict[str, str]], Path]


@pytest.fixture
def write_tree(project: Path) -> FileTree:
    """Write files (dedented) into the copied project; returns its root."""

    def write(files: dict[str, str]) -> Path:
        for relative, content in files.items():
            path = project / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return project

    return write
