"""Shards of a large site: the plan (which pages each MkDocs run builds), the primary's key and record.

See the package docstring (``policies/website/__init__.py``) for why a site is built in shards.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from policies.website.copies import COPIED, listed

# Pages per run at most.  MkDocs spends about 0.5 s starting and some 20-30 ms a school page here: 250 pages
# keep the start-ups near 5% of a run.  A rebuild runs only the pages that changed (units.py).
SHARD_PAGES = 250
# Work (page_weight) that earns a run of its own: about 1.5 s of MkDocs' work, three start-ups.  A rebuild of a
# few pages is then one run, not one a page: at 2,000 schools each run also lists the docs tree's 12,000 files.
RUN_WEIGHT = 3_000_000
RECORD = ".shard.json"  # in each cached shard: the key of its inputs and the size and time of each file


@dataclass(frozen=True)
class Shard:
    """One MkDocs run: its name in the cache, the pages it builds, and whether it is the primary shard.

    The primary builds the pages at the top of the docs tree and copies every
    file that is not a page (downloads, data, theme assets); each other run
    builds some pages of folders (plan_runs), and nothing else.
    """

    name: str
    pages: tuple[str, ...]
    primary: bool

    def exclude_docs(self) -> str:
        """``exclude_docs`` patterns (gitignore syntax, relative to docs/) that leave out the other shards' pages."""
        if self.primary:
            return "/*/**/*.md\n" + "".join(f"/{entry}\n" for entry in COPIED)  # folder pages; downloads (copies.py)
        return "*\n" + "".join(f"!/{page}\n" for page in self.pages)

    def describe(self) -> str:
        if self.primary:
            return "the pages at the top of the site, with the downloads and theme"
        return (
            self.pages[0] if len(self.pages) == 1 else f"{len(self.pages)} pages, {self.pages[0]} to {self.pages[-1]}"
        )


def pages_in_order(docs: Path, names: list[str] | None = None) -> list[str]:
    """The docs tree's Markdown pages in MkDocs' order: a folder's index first, its files, then its folders.

    ``names``: every file of the tree (``listed(docs)``), when the caller has them already."""
    found = names if names is not None else listed(docs)
    pages = [tuple(name.split("/")) for name in found if name.endswith(".md")]
    return ["/".join(parts) for parts in sorted(pages, key=lambda parts: (parts[:-1], parts[-1] != "index.md", parts))]


def primary_shard(pages: list[str]) -> Shard:
    """The pages at the top of the tree, with every file that is not a page: one MkDocs run, cached whole."""
    return Shard("pages", tuple(page for page in pages if "/" not in page), primary=True)


def plan_runs(pages: list[str], weights: dict[str, int], shard_pages: int, jobs: int) -> list[Shard]:
    """The folder pages to build, in runs that balance the cores: up to two a core, at most ``shard_pages`` pages,
    and no more runs than there is work for (``RUN_WEIGHT`` a run).

    A page goes to the lightest run so far, heaviest pages first (``weights``: about the work MkDocs does
    for it); each run keeps MkDocs' page order.  A run's pages need not be neighbours: each page's output
    is cut out of its run and kept on its own (units.py).
    """
    if not pages:
        return []
    # Two runs a core: the cores then balance the runs among themselves whatever their real cost (a page
    # of tables costs MkDocs less a byte than a page of lists), for one more start-up (0.5 s) a core.
    work = -(-sum(weights[page] for page in pages) // RUN_WEIGHT)
    count = max(-(-len(pages) // shard_pages), min(2 * max(1, jobs), len(pages), work))
    runs: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for page in sorted(pages, key=lambda page: (-weights[page], page)):
        lightest = min(range(count), key=lambda k: (len(runs[k]) >= shard_pages, loads[k], k))
        runs[lightest].append(page)
        loads[lightest] += weights[page]
    order = {page: n for n, page in enumerate(pages)}
    heaviest = sorted(range(count), key=lambda k: (-loads[k], k))  # started first
    return [
        Shard(f"run-{n + 1:03d}", tuple(sorted(runs[k], key=order.__getitem__)), primary=False)
        for n, k in enumerate(heaviest)
        if runs[k]
    ]


def page_weight(size: int) -> int:
    """About the work MkDocs does for a page of ``size`` bytes of Markdown (its start-up per page, and the rest)."""
    return 20_000 + size


def engine_versions() -> str:
    """MkDocs' and its theme's versions: an upgrade must rebuild every cached shard."""
    versions = []
    for package in ("mkdocs", "mkdocs-material"):
        try:
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return ",".join(versions)


def common_digest(stamp: str, source_date_epoch: int) -> hashlib._Hash:
    """What every part of the site depends on: configuration and theme (``stamp``), MkDocs' version, the date."""
    common = hashlib.sha256()
    for part in (stamp, engine_versions(), str(source_date_epoch)):
        common.update(part.encode("utf-8") + b"\0")
    return common


def primary_key(docs: Path, names: list[str], elsewhere: set[str], common: hashlib._Hash) -> str:
    """The primary shard's key: the shared inputs, the names of every file in the docs tree (its pages link
    to them all), and the contents of every file that is not a page of another run (``elsewhere``)."""
    digest = common.copy()
    for name in names:
        digest.update(name.encode("utf-8") + b"\0")
    for name in [n for n in names if n not in elsewhere]:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256((docs / name).read_bytes()).digest())
    return digest.hexdigest()


def shard_config(shard: Shard, inherited: str) -> str:
    """The shard's MkDocs configuration (given on standard input): mkdocs.yml, with only its pages."""
    return f"INHERIT: mkdocs.yml\nexclude_docs: |\n{_indent(shard.exclude_docs() + inherited)}"


def user_config(root: Path) -> dict[str, object]:
    """mkdocs.yml, read with MkDocs' own loader, so ``!ENV`` and ``INHERIT`` mean what they mean to MkDocs
    (a plain YAML loader refuses those tags); empty if unreadable (MkDocs itself reports that)."""
    import yaml
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    loader = get_yaml_loader()  # a fresh subclass: adding to it leaves MkDocs' loader alone
    loader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node))  # needs a config
    try:
        with (root / "mkdocs.yml").open("rb") as handle:
            config = yaml_load(handle, loader)
    except (OSError, yaml.YAMLError, ConfigurationError):
        return {}
    return config if isinstance(config, dict) else {}


def inherited_excludes(root: Path) -> str:
    """mkdocs.yml's own ``exclude_docs``, which the shard's replaces: appended so its patterns still win
    (else the shards would silently drop the user's patterns)."""
    value = user_config(root).get("exclude_docs")
    return value if isinstance(value, str) and value.endswith("\n") else f"{value}\n" if value else ""


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file below ``folder`` but a shard's record, as (path relative to it, path), in path order
    (``copies.listed``: one ``os.walk``)."""
    for relative in listed(folder):
        if relative.rpartition("/")[2] != RECORD:
            yield relative, folder / relative


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
