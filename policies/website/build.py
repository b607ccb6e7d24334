"""Build the static site with MkDocs: atomically, on every core, and only what changed.

MkDocs is run as a separate process on the generated Markdown, exactly as a
maintainer would run ``mkdocs build --strict``: the coupling to MkDocs stays a
command line, so moving to a successor engine changes this module only.
The site is assembled in a sibling folder and swapped into place only when
every MkDocs run succeeded, so a failed or interrupted build leaves the
previous site.

MkDocs builds one page after another on one core and always builds every
page, so at a thousand schools it is nearly all of the build time, and a
change to one school would rebuild them all.  A large site is therefore built
in *shards*, each an ordinary ``mkdocs build`` of the same configuration
(``INHERIT: mkdocs.yml``, given on standard input, so nothing is written into
the project) with ``exclude_docs`` leaving out the pages of the other shards:

- the primary shard builds the pages at the top of the tree (the dashboard,
  references, the adoption guide) and copies every file that is not a page
  (downloads, comparison data, theme assets);
- each folder of pages is a shard of its own (the comparison, the clause
  library), and the school pages are split into consecutive runs of about
  ``SHARD_PAGES``.

Shards run side by side (``jobs`` at a time, longest first), and each one's
output is kept in the cache (``.policies-cache/site/``) with the key of its
inputs, so a rebuild reruns only the shards whose pages changed: editing one
school's contact reruns the primary (the dashboard lists every school and
links its DOCX), the comparison and the one shard holding the school's page.
The site is then assembled from the shards' folders with hard links (no
copying), the search indexes and sitemaps joined in shard order, which is
MkDocs' page order: the result is byte-identical to a single ``mkdocs build``
(tests/test_site_shards.py holds it to that).  MkDocs still knows every
excluded page, so links to them are rewritten and a link to a missing file
still fails the strict build; only anchors across shards go unchecked, which
the unsharded builds of the test suite cover.

Files whose bytes did not change keep the previous build's file (same inode,
same modification time), so a deployment by ``rsync`` or a look at
modification times shows what really changed.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from policies.errors import SiteBuildError, SiteOSError
from policies.runtime.runlock import recover_dir, replace_dir

# Pages per shard.  MkDocs spends about 0.4 s starting and some 20 ms a school page here: 250 pages keep the
# start-ups near 5% of a shard, and a one-school change rebuilds 250 school pages besides the shared pages.
SHARD_PAGES = 250
SEARCH_INDEX = "search/search_index.json"  # Material's search plugin
SITEMAP = "sitemap.xml"  # MkDocs' theme template, with a gzipped copy
SITEMAP_GZ = f"{SITEMAP}.gz"
RECORD = ".shard.json"  # in each cached shard: the key of its inputs and the size and time of each file
POLL_SECONDS = 0.2

PageProgress = Callable[[int, int], object]  # (pages built, pages to build)


# The last line of a Python traceback for an OSError: "PermissionError: [Errno 13] Permission denied: '/x'".
_OS_ERROR = re.compile(
    r"^(?:\w+\.)*\w*Error: \[Errno \d+\] (?P<reason>[^:\n]+?)(?:: '(?P<path>[^'\n]*)')?(?: -> '(?P<path2>[^'\n]*)')?$"
)


def _failure(log: str, where: str) -> SiteBuildError:
    """What a failed MkDocs run tells the user: an OS error in one line, else its warnings and errors.

    A Python traceback is cut to its last line (what went wrong); the full log stays on the exception.
    """
    lines = [line for line in log.splitlines() if line.strip()]
    if "Traceback (most recent call last)" in log and lines:
        last = lines[-1].strip()
        if found := _OS_ERROR.match(last):
            return SiteOSError(found["path"], found["reason"], log, found["path2"])
        return SiteBuildError(f"mkdocs build failed{where}: {last}", log)
    return SiteBuildError(f"mkdocs build failed{where}:\n{_problems(log)}", log)


@dataclass(frozen=True)
class Shard:
    """One MkDocs run: its name in the cache, the pages it builds, and whether it is the primary shard.

    The primary builds the pages at the top of the docs tree and copies every
    file that is not a page (downloads, data, theme assets); each other shard
    builds one folder's pages, or a consecutive run of them, and nothing else.
    """

    name: str
    pages: tuple[str, ...]
    primary: bool

    def exclude_docs(self) -> str:
        """``exclude_docs`` patterns (gitignore syntax, relative to docs/) that leave out the other shards' pages."""
        if self.primary:
            return "/*/**/*.md\n"  # every page in a folder
        return "*\n" + "".join(f"!/{page}\n" for page in self.pages)

    def describe(self) -> str:
        if self.primary:
            return "the pages at the top of the site, with the downloads and theme"
        return self.pages[0] if len(self.pages) == 1 else f"{self.pages[0]} to {self.pages[-1]}"


@dataclass
class SiteReport:
    """What a site build did, for the build's summary and the benchmark."""

    shards: int = 1  # MkDocs runs the site is made of
    processes: int = 0  # of which were run now (the others came from the cache)
    pages: int = 0  # pages MkDocs built now
    rewritten: int = 0  # site files that are new or whose bytes changed


def pages_in_order(docs: Path) -> list[str]:
    """The docs tree's Markdown pages in MkDocs' order: a folder's index first, its files, then its folders."""
    pages = [p.relative_to(docs).parts for p in docs.rglob("*.md")]
    return ["/".join(parts) for parts in sorted(pages, key=lambda parts: (parts[:-1], parts[-1] != "index.md", parts))]


def plan_shards(docs: Path, shard_pages: int = SHARD_PAGES) -> list[Shard]:
    """One shard for a site of up to ``shard_pages`` pages; else the primary, then one per folder of pages.

    A folder of more than ``shard_pages`` pages (the school pages) is split
    into even consecutive runs.  Shards follow MkDocs' page order, so joining
    their search indexes and sitemaps in shard order gives the single build's;
    a school keeps its shard while schools are edited (adding or removing one
    moves the boundaries).
    """
    pages = pages_in_order(docs)
    if len(pages) <= shard_pages:
        return [Shard("site", tuple(pages), primary=True)]
    folders: dict[str, list[str]] = {}
    for page in pages:
        folders.setdefault(page.split("/")[0] if "/" in page else "", []).append(page)
    shards = [Shard("pages", tuple(folders.pop("", [])), primary=True)]
    for folder, run in folders.items():
        count = -(-len(run) // shard_pages)
        if count == 1:
            shards.append(Shard(folder, tuple(run), primary=False))
            continue
        for k in range(count):
            part = tuple(run[len(run) * k // count : len(run) * (k + 1) // count])
            shards.append(Shard(f"{folder}-{k + 1:03d}", part, primary=False))
    return shards


def engine_versions() -> str:
    """MkDocs' and its theme's versions: an upgrade must rebuild every cached shard."""
    versions = []
    for package in ("mkdocs", "mkdocs-material"):
        try:
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return ",".join(versions)


def shard_keys(docs: Path, shards: list[Shard], stamp: str, source_date_epoch: int) -> dict[str, str]:
    """Each shard's key: the hash of every input its output depends on.

    All shards share the configuration and theme (``stamp``), MkDocs' version,
    the build date and the names of every file in the docs tree (a page's
    links to the others are checked); each adds the contents of its own pages,
    and the primary those of every file that is not a page of another shard.
    """
    names = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    common = hashlib.sha256()
    for part in (stamp, engine_versions(), str(source_date_epoch), *names):
        common.update(part.encode("utf-8") + b"\0")
    elsewhere = {page for shard in shards if not shard.primary for page in shard.pages}
    keys = {}
    for shard in shards:
        digest = common.copy()
        for name in [n for n in names if n not in elsewhere] if shard.primary else shard.pages:
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256((docs / name).read_bytes()).digest())
        keys[shard.name] = digest.hexdigest()
    return keys


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
            failures = _run(root, [_Run(None, staging, len(shards[0].pages))], source_date_epoch, jobs, progress)
            if failures:
                shutil.rmtree(staging, ignore_errors=True)
                raise _joined(failures)
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
                _assemble(shards, cache_dir, staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    try:
        report.rewritten = _keep_unchanged(staging, site_dir)
        replace_dir(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


@dataclass
class _Run:
    """One ``mkdocs build``: its configuration on standard input (None: mkdocs.yml itself) and output folder."""

    config: str | None
    output: Path
    pages: int
    label: str = ""  # which shard, for error messages
    failed: bool = False


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
    stale = [shard for shard in shards if not _is_current(cache / shard.name, keys[shard.name])]
    inherited = _inherited_excludes(root)
    stale.sort(key=lambda shard: -sum((docs / page).stat().st_size for page in shard.pages))  # longest first
    runs = [
        _Run(
            f"INHERIT: mkdocs.yml\nexclude_docs: |\n{_indent(shard.exclude_docs() + inherited)}",
            cache / f"{shard.name}.new",
            len(shard.pages),
            f"shard {shard.name}: {shard.describe()}",
        )
        for shard in stale
    ]
    try:
        failures = _run(root, runs, source_date_epoch, jobs, progress)
        for shard, run in zip(stale, runs, strict=True):
            if run.output.is_dir() and not run.failed:  # kept even when another shard failed: it is good
                _keep_unchanged(run.output, cache / shard.name)
                _write_record(run.output, keys[shard.name])
                _swap(run.output, cache / shard.name)
    finally:
        for run in runs:
            shutil.rmtree(run.output, ignore_errors=True)
    if failures:
        raise _joined(failures)
    return len(runs), sum(run.pages for run in runs)


def _joined(failures: list[SiteBuildError]) -> SiteBuildError:
    """One error for every failed run: the system's first complaint if there is one, else all of them."""
    for failure in failures:
        if isinstance(failure, SiteOSError):
            return failure
    return SiteBuildError("\n".join(str(f) for f in failures), "\n".join(f.log for f in failures))


def _run(
    root: Path, runs: list[_Run], source_date_epoch: int, jobs: int, progress: PageProgress | None
) -> list[SiteBuildError]:
    """Run the MkDocs builds, ``jobs`` at a time, reporting pages built; returns each failure's warnings."""
    # NO_MKDOCS_2_WARNING: Material's end-of-life banner is known (see README) and would bury real errors.
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch), "NO_MKDOCS_2_WARNING": "1"}
    # Not --quiet: it silences warnings before --strict counts them, so a broken link would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    total = sum(run.pages for run in runs)
    waiting = list(runs)
    running: list[tuple[_Run, subprocess.Popen[str], IO[str]]] = []
    finished_pages = 0
    failures: list[SiteBuildError] = []
    with ExitStack() as stack:
        try:
            while waiting or running:
                while waiting and len(running) < max(1, jobs):
                    run = waiting.pop(0)
                    log = stack.enter_context(tempfile.TemporaryFile(mode="w+", encoding="utf-8"))  # not a pipe
                    args = [*command, "--site-dir", str(run.output)]
                    if run.config is not None:
                        args[-2:-2] = ["--config-file", "-"]
                    process = subprocess.Popen(
                        args,
                        cwd=root,
                        env=env,
                        text=True,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.PIPE if run.config is not None else subprocess.DEVNULL,
                    )
                    if run.config is not None and process.stdin is not None:
                        process.stdin.write(run.config)
                        process.stdin.close()
                    running.append((run, process, log))
                time.sleep(POLL_SECONDS if progress is not None else POLL_SECONDS / 4)
                for entry in list(running):
                    run, process, log = entry
                    if process.poll() is None:
                        continue
                    running.remove(entry)
                    finished_pages += run.pages
                    if process.returncode != 0:
                        run.failed = True
                        log.seek(0)
                        where = f" ({run.label})" if run.label else ""
                        failures.append(_failure(log.read(), where))
                if progress is not None:
                    building = sum(min(run.pages, _pages_written(run.output)) for run, _, _ in running)
                    progress(finished_pages + building, total)
        finally:
            for _, process, _ in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return failures


def _pages_written(output: Path) -> int:
    """Pages MkDocs has written so far (one HTML file each; its 404 page is written last)."""
    count = 0
    for _, _, files in os.walk(output):
        count += sum(1 for name in files if name.endswith(".html"))
    return count


def _problems(log: str) -> str:
    """MkDocs' output without its INFO lines (and their continuation lines): the warnings and errors."""
    kept = []
    info = False
    for line in log.splitlines():
        if line.startswith("INFO"):
            info = True
        elif not (info and line[:1].isspace()):
            info = False
            kept.append(line)
    return "\n".join(kept).strip()


def _inherited_excludes(root: Path) -> str:
    """mkdocs.yml's own ``exclude_docs``, which the shard's replaces: appended so its patterns still win."""
    import yaml

    try:
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""  # MkDocs itself reports an unreadable configuration
    value = config.get("exclude_docs") if isinstance(config, dict) else None
    return value if isinstance(value, str) and value.endswith("\n") else f"{value}\n" if value else ""


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file below ``folder`` but a shard's record, as (path relative to it, path), in sorted order."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != RECORD:
            yield path.relative_to(folder).as_posix(), path


def _manifest(folder: Path) -> dict[str, list[int]]:
    manifest = {}
    for relative, path in _files(folder):
        stat = path.stat()
        manifest[relative] = [stat.st_size, stat.st_mtime_ns]
    return manifest


def _write_record(folder: Path, key: str) -> None:
    record = {"key": key, "files": _manifest(folder)}
    (folder / RECORD).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def _is_current(folder: Path, key: str) -> bool:
    """The cached shard was built from these inputs and no file of it changed since (the site links them)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("key") == key and record.get("files") == _manifest(folder)


def _swap(new: Path, target: Path) -> None:
    recover_dir(target)
    replace_dir(new, target)


def _link(source: Path, target: Path) -> None:
    """``target`` becomes another name of ``source`` (a copy where the file system has no hard links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _assemble(shards: list[Shard], cache: Path, site: Path) -> None:
    """The whole site from the cached shards: their files linked, search indexes and sitemaps joined."""
    indexes: list[Path] = []
    sitemaps: list[Path] = []
    for shard in shards:
        for relative, path in _files(cache / shard.name):
            target = site / relative
            if relative == SEARCH_INDEX:
                indexes.append(path)
            elif relative == SITEMAP:
                sitemaps.append(path)
            elif relative == SITEMAP_GZ:
                if shard.primary:
                    _link(path, target)  # replaced below by the joined sitemap, gzipped with its time stamp
            elif not target.exists():
                _link(path, target)
            elif target.read_bytes() != path.read_bytes():
                raise SiteBuildError(f"site shards disagree on {relative}; build with --jobs 1")
    if indexes:
        _join_search_indexes(indexes, site / SEARCH_INDEX)
    if sitemaps:
        _join_sitemaps(sitemaps, site / SITEMAP)


def _join_search_indexes(parts: list[Path], target: Path) -> None:
    """Material's index is {"config": ..., "docs": [...]}, written compactly; the docs lists are joined in order."""
    whole = json.loads(parts[0].read_text(encoding="utf-8"))
    for path in parts[1:]:
        part = json.loads(path.read_text(encoding="utf-8"))
        if whole.get("config") != part.get("config"):
            raise SiteBuildError("site shards disagree on the search configuration; build with --jobs 1")
        whole["docs"] += part["docs"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(json.dumps(whole, separators=(",", ":"), default=str).encode("utf-8"))


def _join_sitemaps(parts: list[Path], target: Path) -> None:
    """Each shard's ``<url>`` entries in shard order, between the primary's opening and closing lines.

    MkDocs' template writes one entry per page in page order between the
    ``<urlset>`` line and a final ``\\n</urlset>``, so joining the middles in
    shard order gives the single build's bytes; the gzipped copy keeps the
    primary shard's time stamp.
    """
    close = "\n</urlset>"
    whole = parts[0].read_text(encoding="utf-8")
    middles = []
    for path in parts[1:]:
        part = path.read_text(encoding="utf-8")
        opening = part.index(">", part.index("<urlset")) + 1
        middles.append(part[opening : part.rindex(close)])
    cut = whole.rindex(close)
    whole = whole[:cut] + "".join(middles) + whole[cut:]
    target.write_text(whole, encoding="utf-8")
    packed = target.with_name(SITEMAP_GZ)
    if packed.exists():
        mtime = int.from_bytes(packed.read_bytes()[4:8], "little")
        packed.unlink()  # a link to the primary shard's cached copy: write a new file, never through the link
        with (
            packed.open("wb") as handle,
            gzip.GzipFile(fileobj=handle, filename=str(packed), mode="wb", mtime=mtime) as zipped,
        ):
            zipped.write(whole.encode("utf-8"))


def _keep_unchanged(new: Path, previous: Path) -> int:
    """Where a file of ``new`` has the same bytes as in ``previous``, keep the previous file; count the others.

    The previous file is linked in (``previous`` itself is left whole: it is
    still the live site until the swap), so an unchanged page keeps its
    modification time and a deployment copies only what changed.
    """
    rewritten = 0
    for relative, path in _files(new):
        before = previous / relative
        try:
            old_stat, new_stat = before.stat(), path.stat()
        except OSError:
            rewritten += 1
            continue
        if (old_stat.st_ino, old_stat.st_dev) == (new_stat.st_ino, new_stat.st_dev):
            continue  # already the same file (linked from the same cached shard)
        if old_stat.st_size != new_stat.st_size or before.read_bytes() != path.read_bytes():
            rewritten += 1
            continue
        keep = path.with_name(f".{path.name}.keep")
        try:
            os.link(before, keep)
        except OSError:
            continue  # no hard links here: the new copy stays, which is only a new time stamp
        os.replace(keep, path)
    return rewritten
