"""The pages of a sharded site cached one by one: each folder page's files, search entries and sitemap entry.

A page in a folder (a school, a clause, the comparison) is not in the navigation of any other page, so
its HTML depends on its own Markdown, the configuration and theme, the build date, and whether the files
it links to exist (MkDocs' strict build fails on a broken link) -- not on which other pages are built
beside it.  So its output is kept under a key of exactly those inputs, and a rebuild runs MkDocs on the
pages whose key changed, however few, in whatever groups balance the cores: adding a school reruns its
page and the pages that list the schools, not every page after it.

Each MkDocs run's output is cut into its pages: the page's HTML (and any other file in its own folder),
its entries of Material's search index and its ``<url>`` entry of the sitemap.  The site is joined from
them in MkDocs' page order (assemble.py), which gives the single build's bytes.  The store is
``page-store/`` beside the primary shard, with one record, ``page-store.json``: each page's key, the
size and modification time of each of its files (a file changed since, through a hard link of the
site, is not reused), its search entries and sitemap entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from policies.errors import SiteBuildError

STORE = "page-store"
RECORD = "page-store.json"
SEARCH_INDEX = "search/search_index.json"  # Material's search plugin
SITEMAP = "sitemap.xml"  # MkDocs' theme template, with a gzipped copy
SITEMAP_GZ = f"{SITEMAP}.gz"

# A link's target in the Markdown the generator writes: inline links, HTML attributes, reference definitions.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:href|src)\s*=\s*[\"']([^\"']+)|^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.M)
_URL = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def link_targets(page: str, text: str) -> list[str]:
    """The files of the docs tree that ``page`` links to (relative links only), as paths from the tree's root."""
    base = posixpath.dirname(page)
    targets = set()
    for found in _LINK.finditer(text):
        target = next(group for group in found.groups() if group).split("#", 1)[0].split("?", 1)[0]
        if not target or target.startswith(("/", "//")) or ":" in target.split("/", 1)[0]:
            continue  # an anchor on the page itself, an absolute path, or another site's URL
        targets.add(posixpath.normpath(posixpath.join(base, unquote(target))))
    return sorted(targets)


def page_keys(
    docs: Path, pages: list[str], names: list[str], common: hashlib._Hash, store: PageStore
) -> dict[str, str]:
    """Each folder page's key: the shared inputs (``common``), its bytes, and which of its link targets exist.

    A page's link targets are read from its Markdown only when its bytes differ from those the store
    last built it from (at 2,000 schools the pages are 60 MB, and reading them all takes seconds); and its
    bytes are read only when its size, time or inode changed since (the generator writes a page by
    replacing it, so a new page is a new file): 110 MB of pages read and hashed in every rebuild before.
    """
    existing = set(names)
    existing |= {posixpath.dirname(name) for name in names}  # a link to a folder
    keys = {}
    for page in pages:
        path = docs / page
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        entry = store.pages.get(page)
        if entry is not None and entry.get("stamp") == stamp and "content" in entry:
            content, targets = entry["content"], entry["targets"]
        else:
            data = path.read_bytes()
            content = hashlib.sha256(data).hexdigest()
            if entry is not None and entry.get("content") == content:
                targets = entry["targets"]
                entry["stamp"] = stamp  # the same page, written again: known by its new stamp from now on
            else:
                targets = link_targets(page, data.decode("utf-8", "replace"))
        store.facts[page] = {"content": content, "targets": targets, "stamp": stamp}
        digest = common.copy()
        digest.update(f"{page}\0{content}\0".encode())
        for target in targets:
            digest.update(f"{target}\0{int(target in existing)}\0".encode())
        keys[page] = digest.hexdigest()
    return keys


def page_url(page: str, directory_urls: bool) -> str:
    """The page's URL in the site, relative to its root, as MkDocs gives it (search locations, sitemap)."""
    stem = page[: -len(".md")]
    if not directory_urls:
        return posixpath.join(posixpath.dirname(stem), "index.html") if _is_index(stem) else f"{stem}.html"
    if _is_index(stem):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def _is_index(stem: str) -> bool:
    return posixpath.basename(stem) in ("index", "README")


def _owner(relative: str, dests: dict[str, str], folders: dict[str, str]) -> str | None:
    """The page of a run whose output ``relative`` is: its HTML, or a file in its own folder."""
    if relative in dests:
        return dests[relative]
    folder = posixpath.dirname(relative)
    while folder:
        if folder in folders:
            return folders[folder]
        folder = posixpath.dirname(folder)
    return None


class PageStore:
    """The cached output of every folder page, by page path (see the module's docstring)."""

    def __init__(self, cache: Path, directory_urls: bool) -> None:
        self.folder, self.record = cache / STORE, cache / RECORD
        self.directory_urls = directory_urls
        try:
            data = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.pages: dict[str, dict[str, Any]] = data.get("pages", {}) if isinstance(data, dict) else {}
        self.facts: dict[str, dict[str, Any]] = {}  # this build's: each page's content hash and link targets
        if not isinstance(data, dict) or data.get("directory_urls") != directory_urls:
            self.pages = {}

    def current(self, page: str, key: str) -> bool:
        """Built from these inputs, and none of its files changed since."""
        entry = self.pages.get(page)
        return (
            entry is not None
            and entry.get("key") == key
            and all(_stat(self.folder / name) == stat for name, stat in entry["files"].items())
        )

    def keep_only(self, pages: Iterable[str]) -> None:
        """Forget the pages that are gone (a school removed) and delete their files."""
        wanted = set(pages)
        for page in [page for page in self.pages if page not in wanted]:
            for name in self.pages.pop(page)["files"]:
                (self.folder / name).unlink(missing_ok=True)

    def take(self, output: Path, pages: list[str], keys: dict[str, str], primary: Path | None) -> None:
        """Cut one successful run's output into its pages and keep them; its other files must be the primary's."""
        urls = {page_url(page, self.directory_urls): page for page in pages}
        dests = {_dest(url): page for url, page in urls.items()}
        folders = {url.rstrip("/"): page for url, page in urls.items() if self.directory_urls and url.endswith("/")}
        files: dict[str, dict[str, list[int]]] = {page: {} for page in pages}
        for path in sorted(output.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(output).as_posix()
            owner = _owner(relative, dests, folders)
            if owner is not None:
                files[owner][relative] = self._keep(path, relative)
            elif relative not in (SEARCH_INDEX, SITEMAP, SITEMAP_GZ) and primary is not None:
                shared = primary / relative
                if not shared.is_file() or shared.stat().st_size != path.stat().st_size:
                    raise SiteBuildError(f"site shards disagree on {relative}; build with --jobs 1")
        search = _search_entries(output, urls)
        sitemap = _sitemap_entries(output, urls)
        for page in pages:
            self.pages[page] = {
                **self.facts.get(page, {}),
                "key": keys[page],
                "files": files[page],
                "search": search.get(page, []),
                "sitemap": sitemap.get(page, ""),
            }

    def _keep(self, path: Path, relative: str) -> list[int]:
        """Move a page's new file into the store, unless the stored one has the same bytes (kept, as it was)."""
        stored = self.folder / relative
        try:
            same = stored.stat().st_size == path.stat().st_size and stored.read_bytes() == path.read_bytes()
        except OSError:
            same = False
        if not same:
            stored.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, stored)
        return _stat(stored)

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"directory_urls": self.directory_urls, "pages": self.pages}
        tmp = self.record.with_name(f".{self.record.name}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")  # key order kept: the index is written from it
        os.replace(tmp, self.record)


def _dest(url: str) -> str:
    return f"{url}index.html" if url.endswith("/") or not url else url


def _stat(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return [-1, -1]
    return [stat.st_size, stat.st_mtime_ns]


def _search_entries(output: Path, urls: dict[str, str]) -> dict[str, list[Any]]:
    """A run's search index entries by page: each entry's location, up to its anchor, is its page's URL."""
    path = output / SEARCH_INDEX
    if not path.is_file():
        return {}
    entries: dict[str, list[Any]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")).get("docs", []):
        page = urls.get(str(entry.get("location", "")).split("#", 1)[0])
        if page is None:
            raise SiteBuildError(f"a search entry of no page built here: {entry.get('location')!r}")
        entries.setdefault(page, []).append(entry)
    return entries


def _sitemap_entries(output: Path, urls: dict[str, str]) -> dict[str, str]:
    """A run's sitemap ``<url>`` entries by page, each with the whitespace before it, exactly as written."""
    path = output / SITEMAP
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    opening, close = text.index(">", text.index("<urlset")) + 1, text.rindex("\n</urlset>")
    middle = text[opening:close]
    chunks = _URL.findall(middle)
    if "".join(chunks) != middle:
        raise SiteBuildError("the sitemap of a site shard has an unexpected form; build with --jobs 1")
    entries = {}
    for chunk in chunks:
        loc = _LOC.search(chunk)
        matches = [url for url in urls if loc is not None and loc.group(1).strip().endswith(url)]
        if not matches:
            raise SiteBuildError("a sitemap entry of no page built here; build with --jobs 1")
        entries[urls[max(matches, key=len)]] = chunk
    return entries
