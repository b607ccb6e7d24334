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


def tag_commit(root: Path, tag: str, error: type[UserError] = UserError) -> str | None:
    """The commit a tag names (an annotated tag followed to its commit), or None when there is no such tag."""
    done = git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}", error=error)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None
