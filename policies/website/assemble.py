"""One site from the shards' outputs, and unchanged files kept from the previous site.

The shards' files are hard-linked (no copying); Material's search index and MkDocs' sitemap are
joined in shard order, which is MkDocs' page order, so the result is byte-identical to a single
``mkdocs build`` (tests/test_site_shards.py holds it to that).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

from policies.errors import SiteBuildError
from policies.website.shards import Shard, files

SEARCH_INDEX = "search/search_index.json"  # Material's search plugin
SITEMAP = "sitemap.xml"  # MkDocs' theme template, with a gzipped copy
SITEMAP_GZ = f"{SITEMAP}.gz"


def _link(source: Path, target: Path) -> None:
    """``target`` becomes another name of ``source`` (a copy where the file system has no hard links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def assemble(shards: list[Shard], cache: Path, site: Path) -> None:
    """The whole site from the cached shards: their files linked, search indexes and sitemaps joined."""
    indexes: list[Path] = []
    sitemaps: list[Path] = []
    for shard in shards:
        for relative, path in files(cache / shard.name):
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


def keep_unchanged(new: Path, previous: Path) -> int:
    """Where a file of ``new`` has the same bytes as in ``previous``, keep the previous file; count the others.

    The previous file is linked in (``previous`` itself is left whole: it is
    still the live site until the swap), so an unchanged page keeps its
    modification time and a deployment copies only what changed.
    """
    rewritten = 0
    for relative, path in files(new):
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
