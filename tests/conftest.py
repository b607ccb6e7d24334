"""Shared fixtures: the shipped project, throwaway copies of it, inline file trees."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
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


@pytest.fixture(scope="session")
def shipped_pages() -> dict[str, str]:
    """The shipped project's generated Markdown pages, rendered once per session (never at import)."""
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
