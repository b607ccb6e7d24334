"""``build_site``: plan the shards, run MkDocs, assemble, and swap the new site in.

The site is assembled in a sibling folder and swapped into place only when every MkDocs run
succeeded, so a failed or interrupted build leaves the previous site (see the package docstring).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from policies.errors import SiteBuildError
from policies.runtime.runlock import recover_dir, replace_dir
from policies.website.assemble import Assembly, keep_unchanged
from policies.website.copies import MIRROR, is_copied, listed, sync
from policies.website.copies import RECORD as COPIES_RECORD
from policies.website.runner import PageProgress, Run, Spare, joined, run_mkdocs
from policies.website.shards import (
    SHARD_PAGES,
    Shard,
    common_digest,
    inherited_excludes,
    is_current,
    page_weight,
    pages_in_order,
    plan_runs,
    primary_key,
    primary_shard,
    shard_config,
    user_config,
    write_record,
)
from policies.website.units import RECORD, STORE, PageStore, page_keys


@dataclass
class SiteReport:
    """What a site build did, for the build's summary and the benchmark."""

    shards: int = 1  # MkDocs runs the site is made of
    processes: int = 0  # of which were run now (the others came from the cache)
    pages: int = 0  # pages MkDocs built now
    rewritten: int = 0  # site files that are new or whose bytes changed
    copied: list[str] = field(default_factory=list)  # files taken from the docs tree as they are (copies.py)


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
    docs = docs_dir or root / "docs"
    names = listed(docs)  # every file of the docs tree: one walk, for the pages and the shards' keys
    pages = pages_in_order(docs, names)
    report = SiteReport()
    sharded = len(pages) > shard_pages
    if staging.is_symlink() or (staging.exists() and not staging.is_dir()):
        staging.unlink()  # not a tree of ours
    elif staging.is_dir() and not sharded:
        shutil.rmtree(staging)  # MkDocs writes the site there: it must start empty
    keep = False  # whether the tree this swap retires is kept, to become the next build's (assemble.py)
    with ExitStack() as stack:
        # A large site runs MkDocs with a configuration of its own: one starts now, while the runs are planned.
        spare = stack.enter_context(closing(Spare(root, source_date_epoch))) if sharded else None
        if not sharded:
            failures = run_mkdocs(root, [Run(None, staging, len(pages))], source_date_epoch, jobs, progress)
            if failures:
                shutil.rmtree(staging, ignore_errors=True)
                raise joined(failures)
            report.processes = 1
            report.pages = len(pages)
            if cache_dir is not None and cache_dir.exists():
                shutil.rmtree(cache_dir)  # shards of a larger site that this one no longer needs
        else:
            if cache_dir is None:
                cache_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=site_dir.parent)))
            try:
                assembly = _build_shards(
                    root,
                    docs,
                    pages,
                    cache_dir,
                    stamp,
                    source_date_epoch,
                    jobs,
                    shard_pages,
                    progress,
                    report,
                    site_dir,
                    staging,
                    names,
                    spare,
                )
                folder_pages = [page for page in pages if "/" in page]
                report.rewritten, keep = assembly.finish(cache_dir / primary_shard(pages).name, folder_pages)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)  # however far it got: the next build starts afresh
                raise
    try:
        if not sharded:
            report.rewritten = keep_unchanged(staging, site_dir)
        replace_dir(staging, site_dir, keep_previous=keep)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _build_shards(
    root: Path,
    docs: Path,
    pages: list[str],
    cache: Path,
    stamp: str,
    source_date_epoch: int,
    jobs: int,
    shard_pages: int,
    progress: PageProgress | None,
    report: SiteReport,
    live: Path,
    staging: Path,
    names: list[str],
    spare: Spare | None = None,
) -> Assembly:
    """Bring the primary shard and every folder page's cached output up to date (units.py); returns the site's
    assembly, with what was current linked while MkDocs ran.  ``live``: the site this build replaces, whose
    downloads the cache shares (copies.py), and with its retired copy in ``staging``, where the new site is assembled;
    ``names``: every file of the docs tree.

    ``report`` gets the MkDocs runs made and the pages they built, and the runs a build from nothing makes.
    """
    cache.mkdir(parents=True, exist_ok=True)
    primary = primary_shard(pages)
    folder_pages = [page for page in pages if "/" in page]
    for entry in cache.iterdir():  # what an earlier layout or an interrupted run left
        if entry.name not in (primary.name, STORE, RECORD, MIRROR, COPIES_RECORD):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    common = common_digest(stamp, source_date_epoch)
    store = PageStore(cache, user_config(root).get("use_directory_urls", True) is not False)
    store.keep_only(folder_pages)
    # A page the store has never built is built whatever its key, so the keys of those are worked out beside
    # MkDocs: in a build from nothing, all of them (3 s at 2,000 schools, while both cores waited).
    new = [page for page in folder_pages if page not in store.pages]
    keys = page_keys(docs, [page for page in folder_pages if page in store.pages], names, common, store)
    new_keys = ThreadPoolExecutor(1).submit(page_keys, docs, new, names, common, store)
    weights = {  # sizes, as page_keys saw them, or as a new page has now
        page: page_weight(store.facts[page]["stamp"][0] if page in keys else (docs / page).stat().st_size)
        for page in folder_pages
    }
    report.shards = 1 + len(plan_runs(folder_pages, weights, shard_pages, jobs))
    stale = plan_runs(
        [page for page in folder_pages if page not in keys or not store.current(page, keys[page])],
        weights,
        shard_pages,
        jobs,
    )
    key = primary_key(docs, names, {*folder_pages, *(n for n in names if is_copied(n))}, common)
    shards = ([] if is_current(cache / primary.name, key) else [primary]) + stale
    inherited = inherited_excludes(root)
    runs = [
        Run(
            shard_config(shard, inherited),
            cache / f"{shard.name}.new",
            len(shard.pages),
            f"{shard.name}: {shard.describe()}",
        )
        for shard in shards
    ]
    copying = ThreadPoolExecutor(1).submit(sync, docs, cache, live)  # the downloads, beside MkDocs (copies.py)
    assembly = Assembly(staging, live, cache, store)
    building = {page for shard in stale for page in shard.pages}
    linking = ThreadPoolExecutor(1).submit(  # what is built already, beside MkDocs (assemble.py)
        _link_ahead,
        assembly,
        [page for page in folder_pages if page not in building],
        None if primary in shards else cache / primary.name,
        copying,
    )
    try:
        failures = run_mkdocs(root, runs, source_date_epoch, jobs, progress, spare)
        keys |= new_keys.result()
        report.copied = copying.result()
        linking.result()  # before the store takes the new pages
        _take(shards, runs, cache / primary.name, key, store, keys)
        lost = _not_built(folder_pages, store, keys)
        if lost and not failures:  # a run said it succeeded but left no output: build those pages once more
            again = plan_runs(lost, weights, shard_pages, jobs)
            reruns = [Run(shard_config(s, inherited), cache / f"{s.name}.again", len(s.pages), s.name) for s in again]
            runs += reruns
            failures = run_mkdocs(root, reruns, source_date_epoch, jobs, None)
            _take(again, reruns, cache / primary.name, key, store, keys)
            lost = _not_built(folder_pages, store, keys)
            if lost and not failures:
                raise SiteBuildError(
                    f"MkDocs reported success but wrote nothing for {len(lost)} page{'s' if len(lost) > 1 else ''} "
                    f"(for example {lost[0]}); build again with --jobs 1"
                )
    finally:
        new_keys.exception()  # done, whatever it raised (raised above where it matters)
        copying.result()
        linking.exception()  # done, whatever it raised (raised above where it matters)
        store.save()
        for run in runs:
            shutil.rmtree(run.output, ignore_errors=True)
    if failures:
        raise joined(failures)
    report.processes, report.pages = len(runs), sum(run.pages for run in runs)
    return assembly


def _link_ahead(assembly: Assembly, pages: list[str], primary: Path | None, copying: Future[list[str]]) -> None:
    """Link into the new site what no MkDocs run of this build changes: the current pages, the primary
    shard's files (``primary``, when it is not built again) and, once copied, the downloads."""
    assembly.pages(pages)
    if primary is not None:
        assembly.primary(primary)
    assembly.copied(copying.result())


def _not_built(pages: list[str], store: PageStore, keys: dict[str, str]) -> list[str]:
    """The pages the store does not hold as built from their inputs now (every one must be, to assemble)."""
    return [page for page in pages if store.pages.get(page, {}).get("key") != keys[page]]


def _take(
    shards: list[Shard], runs: list[Run], primary: Path, key: str, store: PageStore, keys: dict[str, str]
) -> None:
    """Keep what each successful run built: the primary shard whole (in ``primary``), every other run's pages
    in the store."""
    for shard, run in zip(shards, runs, strict=True):  # the primary first: the others' files are checked against it
        if not run.output.is_dir() or run.failed:
            continue  # the good runs are kept even when another failed
        if shard.primary:
            keep_unchanged(run.output, primary)
            write_record(run.output, key)
            _swap(run.output, primary)
        else:
            store.take(run.output, list(shard.pages), keys, primary if primary.is_dir() else None)


def _swap(new: Path, target: Path) -> None:
    recover_dir(target)
    replace_dir(new, target)
