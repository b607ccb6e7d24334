"""Build the static site with MkDocs, atomically.

MkDocs is run as a separate process on the generated Markdown, exactly as a
maintainer would run ``mkdocs build --strict``: the coupling to MkDocs stays a
command line, so moving to a successor engine changes this module only.
The site is built into a sibling folder and swapped into place only when the
build succeeded, so a failed or interrupted build leaves the previous site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


class SiteBuildError(Exception):
    pass


def build_site(root: Path, site_dir: Path, source_date_epoch: int) -> None:
    staging = site_dir.with_name(f".{site_dir.name}-new")
    old = site_dir.with_name(f".{site_dir.name}-old")
    if not site_dir.exists() and old.exists():
        os.replace(old, site_dir)  # a build killed between the two renames below: bring the old site back
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    # NO_MKDOCS_2_WARNING: Material's end-of-life banner is known (see README) and would bury real errors.
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(staging)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = (result.stderr or result.stdout).strip()
        raise SiteBuildError(f"mkdocs build failed:\n{output}")
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    shutil.rmtree(old, ignore_errors=True)
