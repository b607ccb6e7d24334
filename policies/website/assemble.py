"""One site from the primary shard and the cached pages (units.py), and unchanged files kept from the previous site.

The files are hard-linked (no copying); Material's search index and MkDocs' sitemap are joined
in MkDocs' page order (the primary's pages come first), so the result is byte-identical to a
single ``mkdocs build`` (tests/test_site_shards.py holds it to that).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

from policies.errors import SiteBuildError
from policies.website.shards import files
from policies.website.units import SEARCH_INDEX, SITEMAP, SITEMAP_GZ, PageStore


def _link(source: Path, target: Path, folders: set[Path]) -> None:
    """``target`` becomes another name of ``source`` (a copy where the file system has no hard links).

    ``folders``: the folders already made, so a site of 12,000 files in 3,400 folders makes each once.
    """
    if target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.add(target.parent)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def assemble(primary: Path, pages: list[str], store: PageStore, site: Path, cache: Path, copied: list[str]) -> None:
    """The whole site: the primary shard's files, each folder page's and the downloads, linked; search
    indexes and sitemaps joined.

    ``pages`` are the folder pages in MkDocs' order, every one of them current in ``store``; ``copied``
    the downloads, as copies.py keeps them in ``cache``.
    """
    folders: set[Path] = set()
    for relative in copied:
        _link(cache / relative, site / relative, folders)
    indexes: list[Any] = []
    sitemaps: list[str] = []
    for relative, path in files(primary):
        if relative == SEARCH_INDEX:
            indexes.append(json.loads(path.read_text(encoding="utf-8")))
        elif relative == SITEMAP:
            sitemaps.append(path.read_text(encoding="utf-8"))
        else:
            _link(path, site / relative, folders)  # the gzipped sitemap is replaced below by the joined one's
    for page in pages:
        entry = store.pages[page]
        for relative in entry["files"]:
            target = site / relative
            if target.exists():
                raise SiteBuildError(f"site shards disagree on {relative}; build with --jobs 1")
            _link(store.folder / relative, target, folders)
        if indexes:
            indexes[0]["docs"] += entry["search"]
        if sitemaps:
            sitemaps.append(entry["sitemap"])
    if indexes:
        target = site / SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(json.dumps(indexes[0], separators=(",", ":"), default=str).encode("utf-8"))
    if sitemaps:
        _join_sitemaps(sitemaps, site / SITEMAP)


def _join_sitemaps(parts: list[str], target: Path) -> None:
    """The primary's sitemap with each page's ``<url>`` entry (units.py) before its closing line.

    MkDocs' template writes one entry per page in page order between the
    ``<urlset>`` line and a final ``\\n</urlset>``, so this gives the single
    build's bytes; the gzipped copy keeps the primary shard's time stamp.
    """
    close = "\n</urlset>"
    whole = parts[0]
    cut = whole.rindex(close)
    whole = whole[:cut] + "".join(parts[1:]) + whole[cut:]
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
