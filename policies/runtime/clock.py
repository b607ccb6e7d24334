"""The build's date and the cores it may use: facts about the run, computed once at its start.

The date comes from ``SOURCE_DATE_EPOCH``, else the last commit's time, never the clock, so the same
inputs give the same pages and documents.  ``pipeline.build`` (and each CLI command) reads it once
and passes the epoch (for MkDocs and the documents) and the date (review status) down.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


def build_epoch(root: Path) -> int:
    """The build's date: SOURCE_DATE_EPOCH, else the last commit's, never the clock."""
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(value)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=False, timeout=10
        )
        return int(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return 0


def build_date(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()


@dataclass(frozen=True)
class BuildClock:
    """The run's one epoch (seconds) and the date it stands for."""

    epoch: int

    @property
    def today(self) -> dt.date:
        return build_date(self.epoch)

    @classmethod
    def of(cls, root: Path) -> BuildClock:
        return cls(build_epoch(root))


def default_jobs() -> int:
    """The cores this process may use (a container or CI runner may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
