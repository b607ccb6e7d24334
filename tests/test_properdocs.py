"""A second engine: ProperDocs builds the shipped site byte for byte as MkDocs does, but for the generator tag.

MkDocs 1.x is unmaintained and Material for MkDocs ends its support in May 2027.  ProperDocs (PyPI
``properdocs``, pinned in the test group) is the maintained fork of MkDocs 1.x.  It installs beside MkDocs
in the same virtualenv: its module is ``properdocs``; when it runs, it redirects ``mkdocs.*`` imports (Material's)
to itself and finds Material through the ``mkdocs.themes`` entry point.  It reads ``mkdocs.yml`` as it is.

Both engines build the same generated ``docs/`` exactly as generator/site.py runs MkDocs (``python -m ENGINE
build --strict --site-dir DIR``, not quiet, with ``NO_MKDOCS_2_WARNING``), once on ``mkdocs.yml`` itself and
once the way a shard is built (configuration on standard input, ``INHERIT: mkdocs.yml``, here with a
``site_url`` so the sitemaps are compared too).  Every file is the same bytes except one line of each HTML
page, ``<meta name="generator" content="...">``, which names the engine and its version.  So moving the
build to ProperDocs, when it is needed, is the engine's name in that command line (and in
``engine_versions``, the shard cache's key).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import POLICIES, copy_project

pytestmark = pytest.mark.slow

GENERATOR_TAG = re.compile(rb'<meta name="generator" content="([^"]*)">')
MATERIAL = f"mkdocs-material-{importlib.metadata.version('mkdocs-material')}"
TAGS = {
    "mkdocs": f"mkdocs-{importlib.metadata.version('mkdocs')}, {MATERIAL}",
    "properdocs": f"mkdocs-ProperDocs {importlib.metadata.version('properdocs')}, {MATERIAL}",
}
SHARD_CONFIG = "INHERIT: mkdocs.yml\nsite_url: https://policies.example.org/\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with docs/ generated (no site), as `policies build --no-site` leaves it."""
    root = copy_project(tmp_path_factory.mktemp("engines") / "project")
    done = subprocess.run([*POLICIES, "-C", str(root), "build", "--no-site"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (root / "docs" / "schools" / "elton.md").is_file() and not (root / "site").exists()
    return root


def engine_build(root: Path, engine: str, out: Path, config: str | None) -> str:
    """One build as generator/site.py runs it; returns the engine's log."""
    args = [sys.executable, "-m", engine, "build", "--strict", "--site-dir", str(out)]
    if config is not None:
        args[-2:-2] = ["--config-file", "-"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # SOURCE_DATE_EPOCH is pinned by conftest.py
    done = subprocess.run(args, cwd=root, input=config, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, f"{engine}:\n{done.stderr}"
    assert not re.search(r"^(WARNING|ERROR)", done.stderr, re.M), f"{engine}:\n{done.stderr}"
    return done.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generator_tags(tree: dict[str, bytes]) -> set[str]:
    return {m.decode() for data in tree.values() for m in GENERATOR_TAG.findall(data)}


@pytest.mark.parametrize("config", [None, SHARD_CONFIG], ids=["mkdocs.yml", "shard-config-on-stdin"])
def test_properdocs_builds_the_same_site_but_for_the_generator_tag(
    generated: Path, tmp_path: Path, config: str | None
) -> None:
    trees = {}
    for engine in TAGS:
        engine_build(generated, engine, tmp_path / engine, config)
        trees[engine] = files(tmp_path / engine)
    mkdocs, properdocs = trees["mkdocs"], trees["properdocs"]

    assert sorted(properdocs) == sorted(mkdocs)
    pages = [name for name in mkdocs if name.endswith(".html")]
    assert "schools/elton/index.html" in pages and "404.html" in pages
    sitemap = b"<loc>https://policies.example.org/schools/elton/</loc>"
    assert "sitemap.xml.gz" in mkdocs and (sitemap in mkdocs["sitemap.xml"]) == (config is not None)
    # Each engine names itself, and Material, once on every page.
    for engine, tree in trees.items():
        assert generator_tags(tree) == {TAGS[engine]}
        assert all(len(GENERATOR_TAG.findall(tree[name])) == 1 for name in pages), engine
    # Every other byte is the same: assets, search index, downloads, sitemaps and the rest of each page.
    same_tag = b'<meta name="generator" content="ENGINE">'
    differing = [
        name
        for name in mkdocs
        if GENERATOR_TAG.sub(same_tag, mkdocs[name]) != GENERATOR_TAG.sub(same_tag, properdocs[name])
    ]
    assert differing == []
    assert sorted(name for name in mkdocs if mkdocs[name] != properdocs[name]) == sorted(pages)


def test_properdocs_is_its_own_module_beside_mkdocs() -> None:
    """Installing ProperDocs leaves MkDocs' own module and command in place: the build does not change engine."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith(f"python -m mkdocs, version {importlib.metadata.version('mkdocs')} ")
    done = subprocess.run([sys.executable, "-m", "properdocs", "--version"], capture_output=True, text=True, check=True)
    assert f"version {importlib.metadata.version('properdocs')} " in done.stdout
