"""Shards of a large site: the plan (which pages each MkDocs run builds), cache keys and records.

See the package docstring (``policies/website/__init__.py``) for why a site is built in shards.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Pages per shard.  MkDocs spends about 0.4 s starting and some 20 ms a school page here: 250 pages keep the
# start-ups near 5% of a shard, and a one-school change rebuilds 250 school pages besides the shared pages.
SHARD_PAGES = 250
RECORD = ".shard.json"  # in each cached shard: the key of its inputs and the size and time of each file


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


def shard_config(shard: Shard, inherited: str) -> str:
    """The shard's MkDocs configuration (given on standard input): mkdocs.yml, with only its pages."""
    return f"INHERIT: mkdocs.yml\nexclude_docs: |\n{_indent(shard.exclude_docs() + inherited)}"


def inherited_excludes(root: Path) -> str:
    """mkdocs.yml's own ``exclude_docs``, which the shard's replaces: appended so its patterns still win.

    Read with MkDocs' own loader, so ``!ENV`` and ``INHERIT`` mean what they mean to MkDocs (a plain
    YAML loader refuses those tags, and the shards would silently drop the user's patterns).
    """
    import yaml
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    loader = get_yaml_loader()  # a fresh subclass: adding to it leaves MkDocs' loader alone
    loader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node))  # needs a config
    try:
        with (root / "mkdocs.yml").open("rb") as handle:
            config = yaml_load(handle, loader)
    except (OSError, yaml.YAMLError, ConfigurationError):
        return ""  # MkDocs itself reports an unreadable configuration
    value = config.get("exclude_docs") if isinstance(config, dict) else None
    return value if isinstance(value, str) and value.endswith("\n") else f"{value}\n" if value else ""


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file below ``folder`` but a shard's record, as (path relative to it, path), in sorted order."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != RECORD:
            yield path.relative_to(folder).as_posix(), path


def _manifest(folder: Path) -> dict[str, list[int]]:
    manifest = {}
    for relative, path in files(folder):
        stat = path.stat()
        manifest[relative] = [stat.st_size, stat.st_mtime_ns]
    return manifest


def write_record(folder: Path, key: str) -> None:
    record = {"key": key, "files": _manifest(folder)}
    (folder / RECORD).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def is_current(folder: Path, key: str) -> bool:
    """The cached shard was built from these inputs and no file of it changed since (the site links them)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("key") == key and record.get("files") == _manifest(folder)
