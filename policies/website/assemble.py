"""One site from the primary shard and the cached pages (units.py), and unchanged files kept from the previous site.

The files are hard-linked (no copying); Material's search index and MkDocs' sitemap are joined
in MkDocs' page order (the primary's pages come first), so the result is byte-identical to a
single ``mkdocs build`` (tests/test_site_shards.py holds it to that).  The site is put together
in the one the previous build swapped out, brought up to date file by file (``Assembly``).
"""

from __future__ import annotations

import filecmp
import gzip
import io
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from policies.errors import SiteBuildError
from policies.runtime.write import write_if_changed
from policies.website.copies import MIRROR, copy_over, link_over
from policies.website.shards import files
from policies.website.units import SEARCH_INDEX, SITEMAP, SITEMAP_GZ, PageStore


class Assembly:
    """The whole site, put together in ``site`` step by step: the downloads, the primary shard's files and each
    folder page's, linked; then the search index and sitemap joined in page order (``finish``).

    A build links what is already built while MkDocs builds the rest (publish.py), so at 2,000 schools the
    12,000 links are made beside the one MkDocs run of a one-school rebuild, not after it.  A file whose
    bytes are those of ``live`` (the site this one replaces) is ``live``'s, so an unchanged page keeps
    its modification time and a deployment copies only what changed.  ``site`` may hold an earlier site
    (the one the previous build swapped out): it is brought to this one file by file (_Tree), which costs
    a few thousand ``stat`` calls instead of making 3,400 folders and 12,000 links and deleting as many.
    Not thread-safe: one step at a time.
    """

    def __init__(self, site: Path, live: Path, cache: Path, store: PageStore) -> None:
        self.tree = _Tree(site, live)
        self.store = store
        self.mirror, self.pages_folder = os.path.join(cache, MIRROR), os.fspath(store.folder)
        self.wanted: dict[str, str] = {}  # relative path -> its source; strings: 12,000 of them at 2,000 schools
        self.linked: set[str] = set()  # the pages done
        self.primary_done = False
        self.index: Any = None  # the primary's search index, sitemap and gzipped sitemap's time stamp
        self.sitemap: str | None = None
        self.packed: int | None = None

    def _want(self, relative: str, source: str) -> None:
        if relative in self.wanted:
            raise SiteBuildError(f"site shards disagree on {relative}; build with --jobs 1")
        self.wanted[relative] = source
        self.tree.link(relative, source)

    def copied(self, names: list[str]) -> None:
        """The downloads, as copies.py keeps them in the cache."""
        for relative in names:
            self._want(relative, f"{self.mirror}/{relative}")

    def primary(self, folder: Path) -> None:
        """The primary shard's files (once it is built); its search index and sitemap are kept to be joined."""
        for relative, path in files(folder):
            if relative == SEARCH_INDEX:
                self.index = json.loads(path.read_text(encoding="utf-8"))
            elif relative == SITEMAP:
                self.sitemap = path.read_text(encoding="utf-8")
            elif relative == SITEMAP_GZ:
                self.packed = int.from_bytes(path.read_bytes()[4:8], "little")
            else:
                self._want(relative, os.fspath(path))
        self.primary_done = True

    def pages(self, pages: list[str]) -> None:
        """Each page's files, as current in the store (once built)."""
        for page in pages:
            if page not in self.linked:
                for relative in self.store.pages[page]["files"]:
                    self._want(relative, f"{self.pages_folder}/{relative}")
                self.linked.add(page)

    def finish(self, primary: Path, pages: list[str]) -> tuple[int, bool]:
        """Whatever is not linked yet, the joined search index and sitemap, and nothing else: returns (the files
        new or changed against ``live``, whether every file is a hard link).  ``pages`` are the folder pages
        in MkDocs' order, every one of them current in the store."""
        if not self.primary_done:
            self.primary(primary)
        self.pages(pages)
        made: dict[str, bytes] = {}
        if self.index is not None:
            self.index["docs"] += [item for page in pages for item in self.store.pages[page]["search"]]
            made[SEARCH_INDEX] = json.dumps(self.index, separators=(",", ":"), default=str).encode("utf-8")
        if self.sitemap is not None:
            parts = [self.sitemap, *(self.store.pages[page]["sitemap"] for page in pages)]
            made[SITEMAP] = _joined_sitemap(parts).encode("utf-8")
            if self.packed is not None:
                made[SITEMAP_GZ] = _gzipped(made[SITEMAP], self.packed)
        for relative, data in made.items():
            self.tree.write(relative, data)
        self.tree.prune({*self.wanted, *made})
        return self.tree.rewritten, self.tree.linked


def _joined_sitemap(parts: list[str]) -> str:
    """The primary's sitemap with each page's ``<url>`` entry (units.py) before its closing line.

    MkDocs' template writes one entry per page in page order between the
    ``<urlset>`` line and a final ``\\n</urlset>``, so this gives the single
    build's bytes.
    """
    close = "\n</urlset>"
    whole = parts[0]
    cut = whole.rindex(close)
    return whole[:cut] + "".join(parts[1:]) + whole[cut:]


def _gzipped(data: bytes, mtime: int) -> bytes:
    """The gzipped sitemap as MkDocs writes it, with the primary shard's time stamp."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, filename=SITEMAP_GZ, mode="wb", mtime=mtime) as zipped:
        zipped.write(data)
    return out.getvalue()


class _Tree:
    """Brings the folder ``site`` to a set of files, whatever it held: each file a hard link to its source
    (or to ``live``'s equal file), written into place by rename and never through an existing link, since
    the files it holds are other names of the cache's and of the live site's files."""

    def __init__(self, site: Path, live: Path) -> None:
        self.site, self.live = os.fspath(site), os.fspath(live)
        self.fresh = not os.path.isdir(self.site)  # nothing to prune
        self.folders: set[str] = set()
        self.rewritten = 0
        self.linked = True

    def link(self, relative: str, source: str) -> None:
        """``relative`` becomes another name of ``source``, or of ``live``'s file where the bytes are equal."""
        final, final_stat = source, os.stat(source)
        before = os.path.join(self.live, relative)
        try:
            old = os.stat(before)
        except OSError:
            self.rewritten += 1
        else:
            if (old.st_ino, old.st_dev) != (final_stat.st_ino, final_stat.st_dev):
                if old.st_size == final_stat.st_size and filecmp.cmp(before, final, shallow=False):
                    final, final_stat = before, old
                else:
                    self.rewritten += 1
        self._place(relative, final, final_stat)

    def write(self, relative: str, data: bytes) -> None:
        """``relative`` holds ``data``: ``live``'s file where it already does, else a new file."""
        before = os.path.join(self.live, relative)
        try:
            if os.stat(before).st_size == len(data) and Path(before).read_bytes() == data:
                self._place(relative, before, os.stat(before))
                return
        except OSError:
            pass
        self.rewritten += 1
        target = os.path.join(self.site, relative)
        self._ready(target)
        write_if_changed(Path(target), data)  # by rename: the earlier site's file may be another's name

    def _place(self, relative: str, final: str, final_stat: os.stat_result) -> None:
        target = os.path.join(self.site, relative)
        try:
            here = os.lstat(target)
        except OSError:
            here = None
        same = (final_stat.st_ino, final_stat.st_dev)
        if here is not None and stat.S_ISREG(here.st_mode) and (here.st_ino, here.st_dev) == same:
            return  # already this file
        self._ready(target)
        if not link_over(final, target):  # a file system without hard links: a copy, deleted after the swap
            copy_over(final, target)
            self.linked = False

    def _ready(self, target: str) -> None:
        """``target``'s folder made, and a folder in its place (a page's folder in the earlier site) gone."""
        folder = os.path.dirname(target)
        if folder not in self.folders:
            _make_folder(folder, self.site)
            self.folders.add(folder)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)

    def prune(self, keep: set[str]) -> None:
        """Remove every file and folder of the earlier site that the new one does not have."""
        if self.fresh:
            return
        folders = {""}
        for relative in keep:
            while (relative := relative.rpartition("/")[0]) and relative not in folders:
                folders.add(relative)
        for here, subfolders, names in os.walk(self.site, topdown=False):
            inner = here[len(self.site) + 1 :].replace(os.sep, "/")
            for name in names + [name for name in subfolders if os.path.islink(os.path.join(here, name))]:
                if (f"{inner}/{name}" if inner else name) not in keep:
                    os.unlink(os.path.join(here, name))
            if inner not in folders:
                os.rmdir(here)


def _make_folder(folder: str, top: str) -> None:
    """``folder`` and its parents below ``top``, where an earlier site may have a file in the way."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for candidate in _ancestors(folder, top):
            if os.path.islink(candidate) or (os.path.lexists(candidate) and not os.path.isdir(candidate)):
                os.unlink(candidate)  # a page's file in the earlier site, a folder now
                break
        os.makedirs(folder, exist_ok=True)


def _ancestors(folder: str, top: str) -> list[str]:
    """``folder`` and each folder above it up to (not including) ``top``, the highest first."""
    out = []
    while folder != top and folder:
        out.append(folder)
        folder = os.path.dirname(folder)
    return out[::-1]


def keep_unchanged(new: Path, previous: Path) -> int:
    """Where a file of ``new`` has the same bytes as in ``previous``, keep the previous file; count the others.

    The previous file is linked in (``previous`` itself is left whole: it is
    still the live site until the swap), so an unchanged page keeps its
    modification time and a deployment copies only what changed.
    """
    tree = _Tree(new, previous)
    for relative, path in files(new):
        tree.link(relative, os.fspath(path))
    return tree.rewritten
