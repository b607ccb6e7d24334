"""Build the static site with MkDocs, atomically, on every core.

MkDocs is run as a separate process on the generated Markdown, exactly as a
maintainer would run ``mkdocs build --strict``: the coupling to MkDocs stays a
command line, so moving to a successor engine changes this module only.
The site is built into a sibling folder and swapped into place only when the
build succeeded, so a failed or interrupted build leaves the previous site.

MkDocs builds one page after another on one core, and at a thousand schools
the site is nearly all of the build time.  So a large site is built in
*shards*: each shard is an ordinary ``mkdocs build`` of the same
configuration (``INHERIT: mkdocs.yml``, given on standard input, so nothing is
written into the project) with ``exclude_docs`` leaving out the school pages of
the other shards.  Shard 0 builds everything else too (home, library,
comparison, assets); each later shard builds only its run of school pages.
MkDocs still knows every excluded page, so links to them are rewritten and a
link to a missing file still fails the strict build; only anchors across
shards go unchecked, which the unsharded builds of the test suite cover.

Shards take consecutive runs of the sorted school pages, which MkDocs orders
last, so the search index and sitemap of the whole site are the shards' ones
joined in order: the result is byte-identical to a single ``mkdocs build``
(tests/test_site_shards.py holds it to that).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SHARDED_DIR = "schools"  # the pages split between shards: one per school, sorted last by MkDocs
MIN_SHARD_PAGES = 150  # below this a second MkDocs process costs more (~1 s start-up) than it saves
# MkDocs spends about twice as long per byte on the other pages (the comparison table, the library's
# variant lists) as on school pages: measured at 2,000 schools, 1.06 against 0.50 microseconds per byte.
OTHER_PAGE_WEIGHT = 2.0
SEARCH_INDEX = "search/search_index.json"  # Material's search plugin
SITEMAP = "sitemap.xml"  # MkDocs' theme template, with a gzipped copy


class SiteBuildError(Exception):
    pass


@dataclass(frozen=True)
class Shard:
    """One MkDocs process: the school pages it builds, and whether it builds everything else."""

    pages: tuple[str, ...]
    primary: bool

    def exclude_docs(self, sharded: list[str]) -> str:
        """``exclude_docs`` patterns (gitignore syntax, relative to docs/) that leave out the other shards."""
        if self.primary:
            mine = set(self.pages)
            return "".join(f"/{page}\n" for page in sharded if page not in mine)
        return "*\n" + "".join(f"!/{page}\n" for page in self.pages)


def plan_shards(docs: Path, jobs: int, min_pages: int = MIN_SHARD_PAGES) -> list[Shard]:
    """Split the school pages into at most ``jobs`` consecutive runs of about equal Markdown size.

    Shard 0 also builds every other page, so its share of school pages is
    smaller by their (weighted) size.  Fewer than ``min_pages`` school pages
    per shard are not worth a process.
    """
    pages = sorted(p.relative_to(docs).as_posix() for p in (docs / SHARDED_DIR).glob("*.md"))
    count = max(1, min(jobs, len(pages) // max(1, min_pages)))
    if count == 1:
        return [Shard(tuple(pages), primary=True)]
    sizes = {page: (docs / page).stat().st_size for page in pages}
    others = OTHER_PAGE_WEIGHT * (sum(p.stat().st_size for p in docs.rglob("*.md")) - sum(sizes.values()))
    target = (others + sum(sizes.values())) / count
    shards: list[Shard] = []
    run: list[str] = []
    load = float(others)
    for index, page in enumerate(pages):
        remaining_shards = count - len(shards) - 1
        if load >= target and remaining_shards and len(pages) - index >= remaining_shards:
            shards.append(Shard(tuple(run), primary=not shards))
            run, load = [], 0.0
        run.append(page)
        load += sizes[page]
    shards.append(Shard(tuple(run), primary=not shards))
    return shards


def build_site(
    root: Path,
    site_dir: Path,
    source_date_epoch: int,
    *,
    docs_dir: Path | None = None,
    jobs: int = 1,
    min_shard_pages: int = MIN_SHARD_PAGES,
) -> int:
    """Build ``site_dir`` from the docs tree with up to ``jobs`` MkDocs processes; returns how many ran."""
    staging = site_dir.with_name(f".{site_dir.name}-new")
    old = site_dir.with_name(f".{site_dir.name}-old")
    if not site_dir.exists() and old.exists():
        os.replace(old, site_dir)  # a build killed between the two renames below: bring the old site back
    for leftover in (old, *site_dir.parent.glob(f".{site_dir.name}-new*")):
        if leftover.exists():
            shutil.rmtree(leftover)
    docs = docs_dir or root / "docs"
    shards = plan_shards(docs, jobs, min_shard_pages) if jobs > 1 else [Shard((), primary=True)]
    outputs = [staging] + [site_dir.with_name(f".{site_dir.name}-new-{k}") for k in range(1, len(shards))]
    try:
        _run_shards(root, shards, outputs, source_date_epoch)
        for shard_output in outputs[1:]:
            _merge(shard_output, staging)
    except BaseException:
        for folder in outputs:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return len(shards)


def _run_shards(root: Path, shards: list[Shard], outputs: list[Path], source_date_epoch: int) -> None:
    # NO_MKDOCS_2_WARNING: Material's end-of-life banner is known (see README) and would bury real errors.
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch), "NO_MKDOCS_2_WARNING": "1"}
    # Not --quiet: it silences warnings before --strict counts them, so a broken link would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    runs: list[tuple[list[str], str | None]]
    if len(shards) == 1:
        runs = [([*command, "--site-dir", str(outputs[0])], None)]
    else:
        sharded = [page for shard in shards for page in shard.pages]
        inherited = _inherited_excludes(root)
        runs = [
            (
                [*command, "--config-file", "-", "--site-dir", str(out)],
                f"INHERIT: mkdocs.yml\nexclude_docs: |\n{_indent(shard.exclude_docs(sharded) + inherited)}",
            )
            for shard, out in zip(shards, outputs, strict=True)
        ]
    processes: list[tuple[subprocess.Popen[str], IO[str]]] = []
    with ExitStack() as stack:
        try:
            for args, config in runs:
                log = stack.enter_context(tempfile.TemporaryFile(mode="w+", encoding="utf-8"))  # not a pipe: no stall
                process = subprocess.Popen(
                    args,
                    cwd=root,
                    env=env,
                    text=True,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.PIPE if config else subprocess.DEVNULL,
                )
                processes.append((process, log))
                if config and process.stdin is not None:
                    process.stdin.write(config)
                    process.stdin.close()
            failures = []
            for number, (process, log) in enumerate(processes, start=1):
                if process.wait() != 0:
                    log.seek(0)
                    where = f" (shard {number} of {len(processes)})" if len(processes) > 1 else ""
                    failures.append(f"mkdocs build failed{where}:\n{_problems(log.read())}")
            if failures:
                raise SiteBuildError("\n".join(failures))
        finally:
            for process, _ in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()


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


def _merge(shard: Path, site: Path) -> None:
    """Move a later shard's pages into the primary output; join the search index and sitemap."""
    for path in sorted(shard.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(shard).as_posix()
        target = site / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        elif relative == SEARCH_INDEX:
            _join_search_index(target, path)
        elif relative == SITEMAP:
            _join_sitemap(target, path)
        elif relative == f"{SITEMAP}.gz":
            continue  # rewritten from the joined sitemap.xml
        elif target.read_bytes() != path.read_bytes():
            raise SiteBuildError(f"site shards disagree on {relative}; build with --jobs 1")
    shutil.rmtree(shard)


def _join_search_index(target: Path, extra: Path) -> None:
    """Material's index is {"config": ..., "docs": [...]}, written compactly; the docs lists are joined in order."""
    whole = json.loads(target.read_text(encoding="utf-8"))
    part = json.loads(extra.read_text(encoding="utf-8"))
    if whole.get("config") != part.get("config"):
        raise SiteBuildError("site shards disagree on the search configuration; build with --jobs 1")
    whole["docs"] = whole["docs"] + part["docs"]
    target.write_bytes(json.dumps(whole, separators=(",", ":"), default=str).encode("utf-8"))


def _join_sitemap(target: Path, extra: Path) -> None:
    """Insert the shard's <url> entries before the closing tag, and gzip the result as MkDocs does.

    MkDocs' template writes one entry per page in page order between the
    ``<urlset>`` line and a final ``\\n</urlset>``, so joining the middles in
    shard order gives the single build's bytes; the gzip header keeps the
    primary shard's time stamp.
    """
    close = "\n</urlset>"
    whole = target.read_text(encoding="utf-8")
    part = extra.read_text(encoding="utf-8")
    opening = part.index(">", part.index("<urlset")) + 1
    cut = whole.rindex(close)
    whole = whole[:cut] + part[opening : part.rindex(close)] + whole[cut:]
    target.write_text(whole, encoding="utf-8")
    packed = target.with_name(f"{SITEMAP}.gz")
    if packed.exists():
        mtime = int.from_bytes(packed.read_bytes()[4:8], "little")
        with (
            packed.open("wb") as handle,
            gzip.GzipFile(fileobj=handle, filename=str(packed), mode="wb", mtime=mtime) as zipped,
        ):
            zipped.write(whole.encode("utf-8"))
