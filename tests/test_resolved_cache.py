"""Each school's resolved documents kept between builds (resolve/cache.py): reused only for the same inputs."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from policies.load.problems import Problems
from policies.pipeline import build
from policies.resolve import cache as cache_module
from policies.resolve.cache import FILE, ResolvedCache

from .helpers import copy_project, tree_digest

SCHOOL = "st-anns"


def resolves(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Each school the build resolves, one line each in ``log`` (the build resolves in a forked child)."""
    real = cache_module.resolve_documents

    def counting(project: Any, slug: str, problems: Problems) -> Any:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{slug}\n")
        return real(project, slug, problems)

    monkeypatch.setattr(cache_module, "resolve_documents", counting)


def resolved_by(root: Path, log: Path, jobs: int = 1) -> list[str]:
    """The schools a build of ``root`` resolved (its pages and DOCX made, no site or PDF)."""
    log.unlink(missing_ok=True)
    build(root, site=False, pdf=False, jobs=jobs)
    return log.read_text(encoding="utf-8").split() if log.exists() else []


def from_nothing(root: Path, where: Path) -> dict[str, str]:
    """The docs tree a first build of the same sources makes."""
    fresh = where / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("docs", "site", ".policies-cache", ".site-*"))
    build(fresh, site=False, pdf=False)
    return tree_digest(fresh / "docs")


def rename(school: Path, old: str, new: str) -> None:
    school.write_text(school.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_resolves_only_the_schools_whose_files_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    root, log = copy_project(tmp_path / "project"), tmp_path / "resolved.log"
    resolves(monkeypatch, log)
    everyone = resolved_by(root, log, jobs)
    assert len(everyone) == 5 and (root / ".policies-cache" / FILE).is_file()
    assert resolved_by(root, log, jobs) == []  # nothing changed: every school from the cache

    rename(root / "schools" / f"{SCHOOL}.yml", "St Ann's School", "St Anne's School")
    assert resolved_by(root, log, jobs) == [SCHOOL]
    assert "- **School:** St Anne's School" in (root / "docs" / "schools" / f"{SCHOOL}.md").read_text("utf-8")
    # One school is too few to write the file again for: the next build resolves it again, and only it.
    assert resolved_by(root, log, jobs) == [SCHOOL]
    monkeypatch.setattr(cache_module, "STALE", 0)
    assert resolved_by(root, log, jobs) == [SCHOOL]  # and now it is written
    assert resolved_by(root, log, jobs) == []
    assert tree_digest(root / "docs") == from_nothing(root, tmp_path)


@pytest.mark.parametrize(
    "edited",
    [
        "clauses/introduction/introduction-definitions.md",  # a clause's text
        "organisations/sheffield.yml",  # an organisation its schools inherit from
        "clauses/sources.yml",  # where the library's text came from (the changes' "why")
    ],
)
def test_a_change_to_any_other_input_resolves_every_school(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    root, log = copy_project(tmp_path / "project"), tmp_path / "resolved.log"
    resolves(monkeypatch, log)
    everyone = resolved_by(root, log)
    path = root / edited
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("\nA sentence added by the test.\n" if path.suffix == ".md" else "\n# edited\n"), "utf-8")
    assert resolved_by(root, log) == everyone


def test_new_code_resolves_every_school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, log = copy_project(tmp_path / "project"), tmp_path / "resolved.log"
    resolves(monkeypatch, log)
    everyone = resolved_by(root, log)
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another generator")
    assert resolved_by(root, log) == everyone
    assert resolved_by(root, log) == []


def test_a_cache_that_cannot_be_read_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, log = copy_project(tmp_path / "project"), tmp_path / "resolved.log"
    resolves(monkeypatch, log)
    everyone = resolved_by(root, log)
    before = tree_digest(root / "docs")
    file = root / ".policies-cache" / FILE
    header = file.read_bytes().split(b"\n", 1)[0]
    file.write_bytes(header + b"\nnot a pickle")  # the right header, then garbage (a disk that lost the rest)
    assert resolved_by(root, log) == everyone
    assert tree_digest(root / "docs") == before
    assert resolved_by(root, log) == []  # written again, whole


class _Project(SimpleNamespace):
    root: Path


def test_an_entry_replays_its_problems_and_is_used_only_for_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache alone: entries by school, each with the problems resolving it reported, in order."""
    made: list[str] = []

    def resolve(project: Any, slug: str, problems: Problems) -> list[str]:
        made.append(slug)
        problems.error(tmp_path / "clauses" / "a.md", 3, f"something about {slug}")
        return [f"document of {slug}"]

    monkeypatch.setattr(cache_module, "resolve_documents", resolve)
    project, file = _Project(root=tmp_path), tmp_path / "cache" / FILE

    def run(schools: dict[str, str], common: str = "common") -> tuple[list[object], list[str]]:
        cache, problems = ResolvedCache(file, common, schools), Problems(tmp_path)
        documents = [cache.resolve(project, slug, problems) for slug in sorted(schools)]  # type: ignore[arg-type]
        cache.save()
        return documents, [p.message for p in problems.items]

    first = run({"a": "1", "b": "2"})
    assert made == ["a", "b"] and first == (
        [["document of a"], ["document of b"]],
        ["something about a", "something about b"],
    )
    assert run({"a": "1", "b": "2"}) == first and made == ["a", "b"]  # replayed, problems and all
    assert run({"a": "1", "b": "changed"}) == first and made == ["a", "b", "b"]
    assert run({"a": "1", "b": "2"}, common="another library") == first and made == ["a", "b", "b", "a", "b"]
    # A school without a digest (its text did not come from its file) is resolved every time, never kept.
    for _ in range(2):
        cache = ResolvedCache(file, "another library", {"a": "1"})
        assert cache.resolve(project, "c", Problems(tmp_path)) == ["document of c"]  # type: ignore[arg-type]
        cache.save()
    assert made[-2:] == ["c", "c"]
