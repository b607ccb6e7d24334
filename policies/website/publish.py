"""``build_site``: plan the shards, run MkDocs, assemble, and swap the new site in.

The site is assembled in a sibling folder and swapped into place only when every MkDocs run
succeeded, so a failed or interrupted build leaves the previous site (see the package docstring).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from policies.runtime.runlock import recover_dir, replace_dir
from policies.website.assemble import assemble, keep_unchanged
from policies.website.runner import PageProgress, Run, joined, run_mkdocs
from policies.website.shards import (
    SHARD_PAGES,
    Shard,
    inherited_excludes,
    is_current,
    plan_shards,
    shard_config,
    shard_keys,
    write_record,
)


@dataclass
class SiteReport:
    """What a site build did, for the build's summary and the benchmark."""

    shards: int = 1  # MkDocs runs the site is made of
    processes: int = 0  # of which were run now (the others came from the cache)
    pages: int = 0  # pages MkDocs built now
    rewritten: int = 0  # site files that are new or whose bytes changed


def build_site(
    root: Path,
    site_dir: Path,
    source_date_epoch: int,
    *,
    docs_dir: Path | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    stamp: str = "",
    shard_pages: int = SHARD_PAGES,
    progress: PageProgress | None = None,
) -> SiteReport:
    """Build ``site_dir`` from the docs tree with up to ``jobs`` MkDocs processes at a time.

    ``cache_dir`` keeps the shards of a large site between builds, keyed by
    ``stamp`` (what else the output depends on: configuration, theme,
    generator) and their pages; without it every shard is built afresh.
    """
    staging = site_dir.with_name(f".{site_dir.name}-new")
    recover_dir(site_dir)  # a build killed mid-swap (where the swap takes two renames): the old site comes back
    if site_dir.exists() and not site_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file, where the site's folder should be", str(site_dir))
    if site_dir.is_dir() and not os.access(site_dir, os.W_OK):  # read-only: not ours to replace
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(site_dir))
    if staging.exists():
        shutil.rmtree(staging)
    docs = docs_dir or root / "docs"
    shards = plan_shards(docs, shard_pages)
    report = SiteReport(shards=len(shards))
    with ExitStack() as stack:
        if len(shards) == 1:
            failures = run_mkdocs(root, [Run(None, staging, len(shards[0].pages))], source_date_epoch, jobs, progress)
            if failures:
                shutil.rmtree(staging, ignore_errors=True)
                raise joined(failures)
            report.processes = 1
            report.pages = len(shards[0].pages)
            if cache_dir is not None and cache_dir.exists():
                shutil.rmtree(cache_dir)  # shards of a larger site that this one no longer needs
        else:
            if cache_dir is None:
                cache_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=site_dir.parent)))
            report.processes, report.pages = _build_shards(
                root, docs, shards, cache_dir, stamp, source_date_epoch, jobs, progress
            )
            try:
                assemble(shards, cache_dir, staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    try:
        report.rewritten = keep_unchanged(staging, site_dir)
        replace_dir(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _build_shards(
    root: Path,
    docs: Path,
    shards: list[Shard],
    cache: Path,
    stamp: str,
    source_date_epoch: int,
    jobs: int,
    progress: PageProgress | None,
) -> tuple[int, int]:
    """Bring every shard's cached output up to date; returns the MkDocs runs made and the pages they built."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = {shard.name for shard in shards}
    for entry in cache.iterdir():  # shards of an earlier plan, and runs that were interrupted
        if entry.name not in wanted:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    keys = shard_keys(docs, shards, stamp, source_date_epoch)
    stale = [shard for shard in shards if not is_current(cache / shard.name, keys[shard.name])]
    inherited = inherited_excludes(root)
    stale.sort(key=lambda shard: -sum((docs / page).stat().st_size for page in shard.pages))  # longest first
    runs = [
        Run(
            shard_config(shard, inherited),
            cache / f"{shard.name}.new",
            len(shard.pages),
            f"shard {shard.name}: {shard.describe()}",
        )
        for shard in stale
    ]
    try:
        failures = run_mkdocs(root, runs, source_date_epoch, jobs, progress)
        for shard, run in zip(stale, runs, strict=True):
            if run.output.is_dir() and not run.failed:  # kept even when another shard failed: it is good
                keep_unchanged(run.output, cache / shard.name)
                write_record(run.output, keys[shard.name])
                _swap(run.output, cache / shard.name)
    finally:
        for run in runs:
            shutil.rmtree(run.output, ignore_errors=True)
    if failures:
        raise joined(failures)
    return len(runs), sum(run.pages for run in runs)


def _swap(new: Path, target: Path) -> None:
    recover_dir(target)
    replace_dir(new, target)
