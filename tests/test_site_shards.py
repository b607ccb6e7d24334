"""Parallel builds give the same bytes as serial ones.

A large site is built by several MkDocs processes (generator/site.py) and the
DOCX files by a forked child (generator/background.py).  Both only pay off at
hundreds of schools, so these tests force them on the shipped five schools and
hold the result to the single-process build, byte for byte, including the
joined search index and sitemap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import generator.build
import generator.site
from generator.background import Background, BackgroundError
from generator.build import build, build_epoch
from generator.cli import main
from generator.site import SiteBuildError, build_site, plan_shards

from .conftest import copy_project
from .test_site import tree_digest


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its docs tree generated (no site yet)."""
    root = copy_project(tmp_path_factory.mktemp("shards") / "project")
    assert main(["-C", str(root), "build", "--no-site", "--no-pdf", "--jobs", "1"]) == 0
    return root


def _site(root: Path, name: str, jobs: int) -> tuple[Path, int]:
    site = root / name
    processes = build_site(root, site, build_epoch(root), docs_dir=root / "docs", jobs=jobs, min_shard_pages=1)
    return site, processes


def test_sharded_site_is_byte_identical_to_a_single_build(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.site, "OTHER_PAGE_WEIGHT", 0.0)  # three shards of school pages out of five
    single, one = _site(generated, "site-single", jobs=1)
    sharded, three = _site(generated, "site-sharded", jobs=3)
    assert (one, three) == (1, 3)
    assert tree_digest(sharded) == tree_digest(single)
    assert len(list((sharded / "schools").glob("*/index.html"))) == 5
    assert not list(generated.glob(".site-*")), "shard folders are cleaned up"


def test_sitemap_entries_are_joined_in_page_order(generated: Path, tmp_path: Path) -> None:
    """With site_url set the sitemap lists every page; the shards' lists join into the single build's."""
    root = copy_project(tmp_path / "project")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("site_url: https://policies.example.org/\n")
    (root / "docs").symlink_to(generated / "docs", target_is_directory=True)
    single, _ = _site(root, "site-single", jobs=1)
    sharded, _ = _site(root, "site-sharded", jobs=2)
    sitemap = (sharded / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == len(list(single.rglob("index.html"))) > 5
    assert tree_digest(sharded) == tree_digest(single)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_link_fails_the_build_and_leaves_the_previous_site(generated: Path, tmp_path: Path, jobs: int) -> None:
    """MkDocs' --strict must see the warning (its --quiet would hide it), in whichever shard it arises."""
    root = copy_project(tmp_path / "project")
    (root / "docs").mkdir()
    for path in (generated / "docs").rglob("*"):
        if path.is_file():
            target = root / "docs" / path.relative_to(generated / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    site, _ = _site(root, "site", jobs=jobs)
    before = tree_digest(site)
    last = sorted((root / "docs" / "schools").glob("*.md"))[-1]
    last.write_text(last.read_text(encoding="utf-8") + "\n[broken](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(SiteBuildError) as failure:
        _site(root, "site", jobs=jobs)
    message = str(failure.value)
    assert ("(shard 2 of 2)" in message) == (jobs == 2)
    assert "WARNING" in message and "no-such-page.md" in message
    assert "INFO" not in message
    assert tree_digest(site) == before
    assert not list(root.glob(".site-*"))


def _pages(tmp_path: Path, sizes: list[int], other: int) -> Path:
    docs = tmp_path / "docs"
    (docs / "schools").mkdir(parents=True)
    (docs / "index.md").write_text("x" * other, encoding="utf-8")
    for number, size in enumerate(sizes):
        (docs / "schools" / f"s{number:03d}.md").write_text("x" * size, encoding="utf-8")
    return docs


def test_shards_are_consecutive_balanced_runs(tmp_path: Path) -> None:
    docs = _pages(tmp_path, [100] * 40, other=1000)
    shards = plan_shards(docs, jobs=2, min_pages=10)
    pages = [page for shard in shards for page in shard.pages]
    assert pages == sorted(f"schools/s{n:03d}.md" for n in range(40))
    assert [shard.primary for shard in shards] == [True, False]
    # The primary shard's 1000 bytes of other pages count twice against its share (they cost MkDocs more).
    assert [len(shard.pages) for shard in shards] == [10, 30]


def test_small_sites_and_single_jobs_are_not_sharded(tmp_path: Path) -> None:
    docs = _pages(tmp_path, [100] * 40, other=0)
    assert len(plan_shards(docs, jobs=2, min_pages=21)) == 1
    assert len(plan_shards(docs, jobs=1, min_pages=1)) == 1
    assert len(plan_shards(docs, jobs=8, min_pages=10)) == 4


def test_shard_excludes_leave_out_exactly_the_other_shards(tmp_path: Path) -> None:
    docs = _pages(tmp_path, [100] * 30, other=0)
    first, second, third = plan_shards(docs, jobs=3, min_pages=10)
    every = [*first.pages, *second.pages, *third.pages]
    assert first.exclude_docs(every).splitlines() == [f"/{p}" for p in (*second.pages, *third.pages)]
    assert second.exclude_docs(every).splitlines() == ["*", *(f"!/{p}" for p in second.pages)]


def test_background_documents_are_the_same_bytes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DOCX made by the background process: same files, same bytes, reported as changed, then left alone."""
    serial = build(project, site=False, pdf=False, jobs=1)
    docs = project / "docs"
    before = tree_digest(docs)
    documents = sorted(docs.glob("downloads/*.docx"))
    assert len(documents) == 5
    for path in documents:
        path.unlink()
    monkeypatch.setattr(generator.build, "BACKGROUND_DOCX", 1)
    parallel = build(project, site=False, pdf=False, jobs=2)
    assert parallel.documents_rendered == serial.documents_rendered == 5
    assert parallel.docx_work > 0
    assert parallel.changed == [p.resolve() for p in documents]
    assert tree_digest(docs) == before
    again = build(project, site=False, pdf=False, jobs=2)
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
