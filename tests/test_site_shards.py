"""Parallel and incremental builds give the same bytes as serial, full ones.

A large site is built in shards by several MkDocs processes, each shard's
output cached and reused while its pages are unchanged (generator/site.py),
and the DOCX files by a forked child (generator/background.py).  Both only
pay off at hundreds of schools, so these tests force them on the shipped five
schools (at most 30 pages a shard: the top pages, the comparison, the library
in two runs, the school pages) and hold the result to the single-process
build, byte for byte, including the joined search index and sitemap.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import policies.pipeline
from policies.errors import SiteBuildError
from policies.runtime.background import Background, BackgroundError
from policies.runtime.clock import build_epoch
from policies.website.copies import MIRROR, copied_in, is_copied
from policies.website.publish import SiteReport, build_site
from policies.website.runner import Run, Spare, run_mkdocs
from policies.website.shards import (
    RUN_WEIGHT,
    Shard,
    inherited_excludes,
    page_weight,
    pages_in_order,
    plan_runs,
    primary_shard,
    shard_config,
)
from policies.website.units import SEARCH_INDEX, link_targets, page_url

from .helpers import build, copy_project, main, tree_digest


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its docs tree generated (no site yet)."""
    root = copy_project(tmp_path_factory.mktemp("shards") / "project")
    assert main(["-C", str(root), "build", "--no-site", "--no-pdf", "--jobs", "1"]) == 0
    return root


@pytest.fixture(scope="module")
def single(generated: Path) -> Path:
    """The site as one ``mkdocs build`` makes it: what every sharded build must reproduce."""
    site = generated / "site-single"
    report = build_site(generated, site, build_epoch(generated), docs_dir=generated / "docs", jobs=1, shard_pages=99)
    assert (report.shards, report.processes) == (1, 1)
    return site


def _copy_docs(generated: Path, root: Path) -> Path:
    """A project of its own with a copy of the generated docs tree, for a test that edits pages."""
    copy_project(root)
    for path in (generated / "docs").rglob("*"):
        if path.is_file():
            target = root / "docs" / path.relative_to(generated / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return root


def _sharded(
    root: Path, name: str = "site", jobs: int = 2, cache: Path | None = None, shard_pages: int = 30
) -> tuple[Path, SiteReport]:
    site = root / name
    report = build_site(
        root,
        site,
        build_epoch(root),
        docs_dir=root / "docs",
        jobs=jobs,
        shard_pages=shard_pages,
        cache_dir=cache,
        stamp="test",
    )
    return site, report


@pytest.mark.slow
def test_sharded_site_is_byte_identical_to_a_single_build(generated: Path, single: Path) -> None:
    sharded, report = _sharded(generated, "site-sharded", jobs=3)
    assert report.processes == report.shards == 5  # the primary, and the folder pages in runs of at most 30
    assert tree_digest(sharded) == tree_digest(single)
    assert len(list((sharded / "schools").glob("*/index.html"))) == 5
    assert not list(generated.glob(".site-*")), "staging folders are cleaned up"
    assert not [p for p in generated.iterdir() if p.name.startswith("tmp")], "a build without a cache leaves none"


@pytest.mark.slow
def test_sitemap_entries_are_joined_in_page_order(generated: Path, tmp_path: Path) -> None:
    """With site_url set the sitemap lists every page; the shards' lists join into the single build's."""
    root = copy_project(tmp_path / "project")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("site_url: https://policies.example.org/\n")
    (root / "docs").symlink_to(generated / "docs", target_is_directory=True)
    whole = build_site(root, root / "site-single", build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert whole.shards == 1
    sharded, _ = _sharded(root, "site-sharded")
    sitemap = (sharded / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == len(list((root / "site-single").rglob("index.html"))) > 5
    assert tree_digest(sharded) == tree_digest(root / "site-single")


def _identity(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what tells a rewritten file from one left alone."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
def test_a_changed_page_rebuilds_only_itself(generated: Path, single: Path, tmp_path: Path) -> None:
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    site, first = _sharded(root, cache=cache)
    assert first.processes == first.shards == 5  # the primary, and the folder pages in four runs (two jobs)
    before = _identity(site)

    same, report = _sharded(root, cache=cache)
    assert report.processes == 0 and report.rewritten == 0
    assert _identity(same) == before, "an unchanged rebuild links the same files"

    page = sorted((root / "docs" / "schools").glob("*.md"))[-1]
    page.write_text(page.read_text(encoding="utf-8").replace("social media", "social-media", 1), encoding="utf-8")
    site, report = _sharded(root, cache=cache)
    assert (report.processes, report.pages) == (1, 1)
    changed = sorted(name for name, identity in _identity(site).items() if before.get(name) != identity)
    assert changed == [f"schools/{page.stem}/index.html"]  # the edit is outside the indexed text
    single_build = build_site(root, root / "site-single", build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert single_build.shards == 1
    assert tree_digest(site) == tree_digest(root / "site-single")

    index = root / "docs" / "index.md"  # the dashboard: the primary shard's
    index.write_text(index.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert _sharded(root, cache=cache)[1].processes == 1
    download = next((root / "docs" / "downloads").glob("*.docx"))  # copied outside MkDocs (copies.py)
    download.write_bytes(download.read_bytes() + b"\0")
    site, report = _sharded(root, cache=cache)
    assert report.processes == 0 and (site / "downloads" / download.name).read_bytes() == download.read_bytes()
    data = root / "docs" / "comparison" / "matrix.csv"  # the comparison's data: copied outside MkDocs too
    data.write_bytes(data.read_bytes() + b"extra,row\n")
    site, report = _sharded(root, cache=cache)
    assert report.processes == 0 and (site / "comparison" / "matrix.csv").read_bytes() == data.read_bytes()
    with (site / "downloads" / download.name).open("r+b") as handle:  # through the site's name: the cache's copy
        handle.write(b"edited")
    site, report = _sharded(root, cache=cache)
    assert (site / "downloads" / download.name).read_bytes() == download.read_bytes()

    other, report = _sharded(root, cache=cache)
    assert report.processes == 0
    with_stamp = build_site(
        root, other, build_epoch(root), docs_dir=root / "docs", shard_pages=30, cache_dir=cache, stamp="new theme"
    )
    assert with_stamp.processes == with_stamp.shards > 1, "a new configuration, theme or generator rebuilds all"

    whole = build_site(root, site, build_epoch(root), docs_dir=root / "docs", shard_pages=99, cache_dir=cache)
    assert whole.shards == 1 and not cache.exists(), "a site small enough for one build drops the shards"


@pytest.mark.slow
def test_a_spare_mkdocs_process_is_taken_by_the_first_run_or_ended(generated: Path, tmp_path: Path) -> None:
    """A large site starts one MkDocs process while it plans its runs (runner.Spare): the first run with a
    configuration of its own takes it, its output folder given in that configuration; unused, it ends."""
    epoch = build_epoch(generated)
    spare = Spare(generated, epoch)
    unused = spare.process
    spare.close()
    assert unused is not None and unused.poll() is not None
    spare = Spare(generated, epoch)
    shard = Shard("one", ("schools/elton.md",), primary=False)
    run = Run(shard_config(shard, inherited_excludes(generated)), tmp_path / "out", 1, "one")
    with closing(spare):
        assert run_mkdocs(generated, [run], epoch, 1, None, spare) == []
        assert spare.process is None  # taken
    assert (tmp_path / "out" / "schools" / "elton" / "index.html").is_file()


def test_every_file_of_the_comparison_but_its_pages_is_copied_outside_mkdocs(generated: Path) -> None:
    docs = generated / "docs"
    data = sorted(p.relative_to(docs).as_posix() for p in (docs / "comparison").iterdir() if p.suffix != ".md")
    assert data == ["comparison/matrix.csv", "comparison/matrix.json"]
    assert [name for name in copied_in(docs) if not name.startswith("downloads/")] == data
    assert all(is_copied(name) for name in data) and not is_copied("comparison/index.md")


@pytest.mark.slow
def test_a_site_file_changed_in_place_is_not_reused(generated: Path, tmp_path: Path) -> None:
    """The site shares its files with the cache; a write through the site's name must not poison the cache."""
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    site, _ = _sharded(root, cache=cache)
    pristine = tree_digest(site)
    page = sorted(site.glob("schools/*/index.html"))[0]
    with page.open("r+b") as handle:  # as `mkdocs build --dirty` into site/ would: the same inode
        handle.write(b"<!-- edited -->")
    os.utime(page, ns=(1, 1))
    site, report = _sharded(root, cache=cache)
    assert report.processes == 1
    assert tree_digest(site) == pristine


@pytest.mark.slow
def test_the_retired_site_becomes_the_next_one_whatever_it_holds(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The swap keeps the site it retires (.site-new), and the next build brings it to the new site in place:
    never through a file it shares with the live site, and to the same bytes as a single build."""
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    retired = root / ".site-new"
    site, _ = _sharded(root, cache=cache)
    assert not retired.exists()  # the first build retires nothing
    site, _ = _sharded(root, cache=cache)
    assert tree_digest(retired) == tree_digest(site)  # the first build's site, sharing every file with this one
    shared = [p for p in retired.rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert len(shared) == len(tree_digest(retired))

    # An earlier site may hold anything: files and folders the new one has not, a copy instead of a link,
    # a folder where a file belongs and a file where a folder belongs.
    (retired / "stale" / "deep").mkdir(parents=True)
    (retired / "stale" / "deep" / "page.html").write_text("stale", encoding="utf-8")
    (retired / "404.html").unlink()
    (retired / "404.html").write_text("a copy, not a link", encoding="utf-8")
    page_file = next(retired.glob("schools/*/index.html"))
    page_file.unlink()
    page_file.mkdir()
    (page_file / "inner.html").write_text("x", encoding="utf-8")
    shutil.rmtree(retired / "library")
    (retired / "library").write_text("a file where a folder belongs", encoding="utf-8")

    live = tree_digest(site)
    page = sorted((root / "docs" / "schools").glob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n", " (edited)\n", 1), encoding="utf-8")  # its title: in the search index

    assembled: dict[str, str] = {}

    def stopped(new: Path, target: Path, **_: object) -> None:
        assembled.update(tree_digest(new))
        assert sorted(p.name for p in new.rglob("*.new")) == []  # no temporary name left behind
        assert sorted(p.name for p in new.rglob("*.tmp")) == []
        raise RuntimeError("stopped before the swap")

    monkeypatch.setattr(policies.website.publish, "replace_dir", stopped)
    with pytest.raises(RuntimeError):
        _sharded(root, cache=cache)
    assert assembled[SEARCH_INDEX] != live[SEARCH_INDEX]
    assert tree_digest(site) == live, "assembling wrote through a file the live site shares"
    assert not retired.exists()  # a failed build leaves no half-made site behind
    monkeypatch.undo()
    single_build = build_site(root, root / "site-single", build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert single_build.shards == 1
    assert assembled == tree_digest(root / "site-single")

    site, _ = _sharded(root, cache=cache)  # made afresh (the failed build removed .site-new)
    page.write_text(text, encoding="utf-8")
    site, report = _sharded(root, cache=cache)  # the retired site brought to this one
    assert report.rewritten > 0 and retired.is_dir()
    build_site(root, root / "site-single", build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert tree_digest(site) == tree_digest(root / "site-single")


@pytest.mark.slow
def test_without_hard_links_the_site_is_made_of_copies_and_no_retired_site_is_kept(
    generated: Path, single: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    _sharded(root, cache=cache)

    def no_links(*_: object, **__: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "link", no_links)  # in this process; MkDocs' own are not concerned
    site, _ = _sharded(root, cache=cache)
    assert tree_digest(site) == tree_digest(single)
    assert not (root / ".site-new").exists(), "a retired site of copies would double the site's size"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_link_fails_the_build_and_leaves_the_previous_site(generated: Path, tmp_path: Path, jobs: int) -> None:
    """MkDocs' --strict must see the warning (its --quiet would hide it), in whichever shard it arises."""
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    site, _ = _sharded(root, jobs=jobs, cache=cache)
    before = tree_digest(site)
    pages = sorted((root / "docs" / "schools").glob("*.md"))
    library = sorted((root / "docs" / "library").glob("*.md"))
    broken = (library[-1], pages[-1])  # two shards fail: both are reported
    for page in broken:
        page.write_text(page.read_text(encoding="utf-8") + "\n[broken](no-such-page.md)\n", encoding="utf-8")
    index = root / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nA good change.\n", encoding="utf-8")
    with pytest.raises(SiteBuildError) as failure:
        _sharded(root, jobs=jobs, cache=cache, shard_pages=1)  # a run a changed page
    message = str(failure.value)
    assert f"library/{broken[0].name}" in message and f"schools/{broken[1].name}" in message
    assert message.count("mkdocs build failed") == 2  # both runs fail: both are reported
    assert "WARNING" in message and "no-such-page.md" in message
    assert "INFO" not in message
    assert tree_digest(site) == before
    assert not list(root.glob(".site-*"))
    assert sorted(p.name for p in cache.iterdir()) == [
        "copied",
        "copied.json",
        "page-store",
        "page-store.json",
        "pages",
    ]

    for page in broken:
        page.write_text(page.read_text(encoding="utf-8").replace("(no-such-page.md)", "(../index.md)"), "utf-8")
    _, report = _sharded(root, jobs=jobs, cache=cache)
    assert (report.processes, report.pages) == (1, 2), "the primary's good build was kept; the fixed pages run once"


@pytest.mark.slow
def test_the_site_and_the_cache_hold_each_download_as_one_file(generated: Path, tmp_path: Path) -> None:
    """After the cache is made again, the site keeps its downloads as they were and shares them with the cache
    once more; a site file equal to its cached copy but not the same file is taken into the cache once.
    Otherwise every later build compares the two byte for byte (1 GB at 2,000 schools)."""
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    site, _ = _sharded(root, cache=cache)
    downloads = sorted(p for p in (site / "downloads").rglob("*") if p.is_file())
    downloads += [site / "comparison" / "matrix.csv", site / "comparison" / "matrix.json"]
    assert len(downloads) > 10
    before = {path: path.stat() for path in downloads}

    def shared(path: Path) -> bool:
        mine, cached = path.stat(), (cache / MIRROR / path.relative_to(site)).stat()
        return (mine.st_ino, mine.st_dev) == (cached.st_ino, cached.st_dev)

    assert all(shared(path) for path in downloads)
    shutil.rmtree(cache)  # a generator upgrade, or .policies-cache deleted
    site, report = _sharded(root, cache=cache)
    assert report.rewritten == 0
    assert all(path.stat().st_mtime_ns == stat.st_mtime_ns for path, stat in before.items()), "kept as they were"
    assert all(shared(path) for path in downloads)
    one = downloads[0]
    twin = one.with_name(f".{one.name}.twin")
    shutil.copy2(one, twin)
    os.replace(twin, one)  # an equal file of the site's own
    assert not shared(one)
    site, report = _sharded(root, cache=cache)
    assert shared(one) and report.rewritten == 0


@pytest.mark.slow
def test_added_and_removed_pages_rebuild_only_what_they_change(generated: Path, tmp_path: Path) -> None:
    """A new school page runs MkDocs on it and the top pages (whose links it may change), not every page after it;
    a page whose link target is gone is built again (and fails), never taken from the cache."""
    root = _copy_docs(generated, tmp_path / "project")
    cache = root / ".policies-cache" / "site"
    _sharded(root, cache=cache)
    schools = sorted((root / "docs" / "schools").glob("*.md"))
    added = schools[1].with_name(f"{schools[1].stem}-a.md")  # sorts among the others
    added.write_text(schools[1].read_text(encoding="utf-8").replace("social media", "social-media", 1), "utf-8")
    site, report = _sharded(root, cache=cache)
    top = len(primary_shard(pages_in_order(root / "docs")).pages)
    assert (report.processes, report.pages) == (2, top + 1)
    single_build = build_site(root, root / "site-single", build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert tree_digest(site) == tree_digest(root / "site-single")

    added.unlink()
    site, report = _sharded(root, cache=cache)
    assert (report.processes, report.pages) == (1, top)
    assert not (site / "schools" / added.stem).exists() and single_build.shards == 1

    download = next(
        target for target in link_targets("schools/x.md", schools[0].read_text("utf-8")) if "downloads/" in target
    )
    (root / "docs" / download).unlink()
    with pytest.raises(SiteBuildError) as failure:
        _sharded(root, cache=cache)
    assert download.rsplit("/", 1)[-1] in str(failure.value)


@pytest.mark.slow
def test_unsharded_site_build_failure_leaves_the_previous_site(generated: Path, tmp_path: Path) -> None:
    root = _copy_docs(generated, tmp_path / "project")
    site = root / "site"
    build_site(root, site, build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    before = tree_digest(site)
    page = sorted((root / "docs" / "schools").glob("*.md"))[-1]
    page.write_text(page.read_text(encoding="utf-8") + "\n[broken](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(SiteBuildError) as failure:
        build_site(root, site, build_epoch(root), docs_dir=root / "docs", shard_pages=99)
    assert "mkdocs build failed:" in str(failure.value) and "no-such-page.md" in str(failure.value)
    assert tree_digest(site) == before
    assert not list(root.glob(".site-*"))


def _pages(tmp_path: Path, schools: int) -> Path:
    docs = tmp_path / "docs"
    for name in ("index.md", "adopt.md", "comparison/index.md", "library/index.md", "library/a.md", "library/b.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("page", encoding="utf-8")
    (docs / "downloads").mkdir()
    (docs / "downloads" / "a.docx").write_bytes(b"not a page")
    (docs / "schools").mkdir()
    for number in range(schools):
        (docs / "schools" / f"s{number:03d}.md").write_text("page", encoding="utf-8")
    return docs


def test_pages_are_in_mkdocs_order(tmp_path: Path) -> None:
    """A folder's index, then its other pages, then its folders: the order of MkDocs' search index and sitemap."""
    docs = _pages(tmp_path, 2)
    assert pages_in_order(docs) == [
        "index.md",
        "adopt.md",
        "comparison/index.md",
        "library/index.md",
        "library/a.md",
        "library/b.md",
        "schools/s000.md",
        "schools/s001.md",
    ]


def test_folder_pages_are_built_in_balanced_runs(tmp_path: Path) -> None:
    docs = _pages(tmp_path, 41)
    pages = pages_in_order(docs)
    assert primary_shard(pages).primary and primary_shard(pages).pages == ("index.md", "adopt.md")
    folder = [page for page in pages if "/" in page]
    weights = {page: page_weight(100) for page in folder} | {"comparison/index.md": page_weight(400_000)}
    runs = plan_runs(folder, weights, shard_pages=10, jobs=2)
    assert len(runs) == 5 and all(len(run.pages) <= 10 for run in runs)
    assert sorted(page for run in runs for page in run.pages) == sorted(folder)
    assert all(list(run.pages) == [p for p in pages if p in run.pages] for run in runs), "each run in page order"
    assert runs[0].pages[0] == "comparison/index.md" and len(runs[0].pages) < 10, "the heaviest first, with fewer"
    light = {page: page_weight(100) for page in folder}
    assert len(plan_runs(folder[:9], light, shard_pages=10, jobs=2)) == 1, "no run of its own without the work"
    heavy = {page: RUN_WEIGHT for page in folder}
    assert len(plan_runs(folder[:3], heavy, shard_pages=10, jobs=2)) == 3, "a run a page, up to two a core"
    assert len(plan_runs(folder[:9], heavy, shard_pages=10, jobs=2)) == 4
    assert plan_runs(folder[:1], weights, shard_pages=10, jobs=2)[0].pages == (folder[0],)
    assert plan_runs([], weights, shard_pages=10, jobs=2) == []


def test_pages_urls_and_links(tmp_path: Path) -> None:
    assert page_url("schools/a.md", True) == "schools/a/" and page_url("schools/index.md", True) == "schools/"
    assert (
        page_url("schools/a.md", False) == "schools/a.html"
        and page_url("library/index.md", False) == "library/index.html"
    )
    text = (
        '[a](../downloads/a.pdf) [b](b.md#x) [c](#here) [d](https://x.org/y) <a href="../index.md">i</a>\n[r]: c.md\n'
    )
    assert link_targets("schools/s.md", text) == ["downloads/a.pdf", "index.md", "schools/b.md", "schools/c.md"]


def test_shard_excludes_leave_out_exactly_the_other_pages(tmp_path: Path) -> None:
    docs = _pages(tmp_path, 30)
    primary = primary_shard(pages_in_order(docs))
    assert primary.exclude_docs().splitlines() == [  # pages in folders; the downloads and the comparison's data
        "/*/**/*.md",
        "/downloads/",
        "/comparison/matrix.csv",
        "/comparison/matrix.json",
    ]
    run = Shard("run-001", ("library/a.md", "schools/s001.md"), primary=False)
    assert run.exclude_docs().splitlines() == ["*", "!/library/a.md", "!/schools/s001.md"]


def test_background_documents_are_the_same_bytes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DOCX and comparison made by background processes: same files, same bytes, reported as changed, then left."""
    serial = build(project, site=False, pdf=False, jobs=1)
    docs = project / "docs"
    before = tree_digest(docs)
    documents = sorted(docs.glob("downloads/*.docx"))
    assert len(documents) == 8
    comparison = sorted((docs / "comparison").iterdir())
    organisations = ["brighton-and-hove", "cheshire-west-and-chester", "sheffield", "westmorland-and-furness"]
    organisations += ["windsor-and-maidenhead"]  # each has a comparison of its schools
    assert [p.name for p in comparison] == sorted(
        [*(f"{o}.md" for o in organisations), "index.md", "matrix.csv", "matrix.json"]
    )
    for path in documents + comparison:
        path.unlink()
    monkeypatch.setattr(policies.pipeline, "BACKGROUND_DOCX", 1)
    monkeypatch.setattr(policies.pipeline, "BACKGROUND_COMPARISON", 1)
    monkeypatch.setattr(policies.pipeline, "run_isolated", lambda work, report: work(report))  # count forks here
    forks = []
    monkeypatch.setattr(
        Background, "start_all", lambda works, real=Background.start_all: forks.append(len(works)) or real(works)
    )
    parallel = build(project, site=False, pdf=False, jobs=4)  # a core each: pages, DOCX, comparison page, its data
    assert forks == [3]
    assert parallel.documents_rendered == serial.documents_rendered == 8
    assert parallel.docx_work > 0
    assert parallel.changed == sorted(p.resolve() for p in documents + comparison)
    assert tree_digest(docs) == before
    again = build(project, site=False, pdf=False, jobs=2)  # no DOCX to make: the comparison aside, in one process
    assert forks == [3, 1]
    assert again.changed == [] and again.removed == [] and again.documents_rendered == 0


def test_background_failure_is_reported_with_its_traceback() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 1 // 0

    with pytest.raises(BackgroundError, match="ZeroDivisionError"):
        Background(failing).result()
    items, seconds = Background(lambda: (bytes([n]) * 100_000 for n in range(20))).result()
    assert items == [bytes([n]) * 100_000 for n in range(20)]  # 2 MB: more than a pipe holds at once
    assert seconds >= 0


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--jobs", "0"])
    assert exit_.value.code == 2
    assert "expected a whole number of at least 1, got '0'" in capsys.readouterr().err


@pytest.mark.slow
def test_a_run_that_succeeds_without_output_is_built_again(
    generated: Path, single: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that exits 0 but leaves no output (seen once, after a killed build) is built once more, not
    left out of the site; if it happens again, the build fails with the pages named."""
    import shutil

    import policies.website.publish as publish

    real, calls = publish.run_mkdocs, []

    def losing(root, runs, epoch, jobs, progress, spare=None, *, every: bool = False):  # type: ignore[no-untyped-def]
        failures = real(root, runs, epoch, jobs, progress, spare)
        calls.append(len(runs))
        for run in runs if every else runs[-1:] if len(calls) == 1 else []:
            if run.config is not None and "INHERIT" in run.config and not run.failed:
                shutil.rmtree(run.output)  # the last folder run's output goes missing
        return failures

    monkeypatch.setattr(publish, "run_mkdocs", losing)
    root = _copy_docs(generated, tmp_path / "project")
    site, _ = _sharded(root, cache=tmp_path / "cache")
    assert len(calls) == 2 and tree_digest(site) == tree_digest(single)
    calls.clear()

    monkeypatch.setattr(publish, "run_mkdocs", lambda *a: losing(*a, every=True))
    (root / "docs" / "schools" / "elton.md").write_text("# Elton\n\nChanged.\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"wrote nothing for 1 page \(for example schools/elton.md\)"):
        _sharded(root, cache=tmp_path / "cache")
    assert tree_digest(site) == tree_digest(single), "the previous site stays"
