"""The project's git repository: the one place commands and the build run ``git``.

Releases are git tags (maintain/release.py), and an approved version is rendered from the tree its
release tagged (history/frozen.py), so both ask git the same questions the same way.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from policies.errors import UserError


def git(
    root: Path, *args: str, error: type[UserError] = UserError, timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` in ``root``, its output as text; ``error`` (a UserError) when git cannot run at all."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        raise error(f"git could not run: {exc}") from exc


def tag_commits(root: Path, error: type[UserError] = UserError) -> dict[str, str]:
    """Every tag and the commit it names (annotated tags followed), in one call of git: {} outside a repository."""
    done = git(
        root, "for-each-ref", "--format=%(refname:strip=2) %(objectname) %(*objectname)", "refs/tags", error=error
    )
    if done.returncode != 0:
        return {}
    found = {}
    for line in done.stdout.splitlines():
        name, _, objects = line.partition(" ")
        tagged, _, peeled = objects.partition(" ")
        found[name] = peeled.strip() or tagged
    return found
