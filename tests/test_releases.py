"""Library releases: `policies release` records one (entry, commit, tag); the site lists them with a feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from .helpers import built, copy_project, git, library_repository, main

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return library_repository(tmp_path, monkeypatch)


def test_releases_are_recorded_committed_tagged_and_published(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository
    assert main(["-C", str(root), "release", "2026.1", "--notes", "The harmonised library, first release."]) == 0
    out = capsys.readouterr().out
    assert "Released 2026.1 (1 December 2026)" in out
    assert git(root, "tag", "--list").split() == ["2026.1"]
    assert git(root, "status", "--porcelain") == ""  # the entry is committed
    first = yaml.safe_load((root / "clauses" / "releases.yml").read_text(encoding="utf-8"))
    assert [r["name"] for r in first] == ["2026.1"] and "staff-monitoring" in first[0]["clauses"]

    clause = root / "clauses" / "staff-use" / "staff-monitoring.md"
    clause.write_text(clause.read_text(encoding="utf-8") + "\nA sentence added for the release test.\n")
    assert main(["-C", str(root), "release", "2026.2", "--notes", "Monitoring reworded."]) == 1
    assert "commit the library first: clauses/staff-use/staff-monitoring.md" in capsys.readouterr().err
    git(root, "commit", "-q", "-am", "Monitoring reworded")
    assert main(["-C", str(root), "release", "2026.2", "--notes", "Monitoring reworded."]) == 0
    second = yaml.safe_load((root / "clauses" / "releases.yml").read_text(encoding="utf-8"))[1]
    assert second == {
        "name": "2026.2",
        "date": "1 December 2026",
        "notes": "Monitoring reworded.",
        "clauses": ["staff-monitoring"],
    }
    assert main(["-C", str(root), "release", "2026.2", "--notes", "Again."]) == 1
    assert "there is already a release (or a git tag) named '2026.2'" in capsys.readouterr().err

    out_files = built(root, pdf=False)
    page = str(out_files["changes.md"])
    assert page.index("## Release 2026&#46;2, 1 December 2026") < page.index("## Release 2026&#46;1, 1 December 2026")
    assert "**Clauses changed:** [Monitoring](library/staff-monitoring.md)." in page
    feed = ET.fromstring(out_files["changes.xml"])
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Release 2026.2", "Release 2026.1"]
    assert entries[0].findtext(f"{ATOM}updated") == "2026-12-01T00:00:00Z"
    assert "Clauses changed: Monitoring." in (entries[0].findtext(f"{ATOM}summary") or "")
    assert feed.findtext(f"{ATOM}id") == "urn:harmonised-school-policies:releases"


def test_a_release_needs_a_git_work_tree_and_a_good_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path / "project")
    assert main(["-C", str(root), "release", "2026.1", "--notes", "First."]) == 1
    assert "is not a git work tree" in capsys.readouterr().err
    assert main(["-C", str(root), "release", "bad name", "--notes", "First."]) == 1
    assert "'bad name' cannot name a release" in capsys.readouterr().err


def test_check_rejects_a_release_dated_after_the_build_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path / "project")
    (root / "clauses" / "releases.yml").write_text(
        '- name: "2030.1"\n  date: 1 January 2030\n  notes: "Too early."\n  clauses: [staff-monitoring]\n',
        encoding="utf-8",
    )
    assert main(["-C", str(root), "check"]) == 1
    assert "clauses/releases.yml:2: 1 January 2030 is after the build date" in capsys.readouterr().err


def test_without_releases_the_page_says_how_to_record_one() -> None:
    from .helpers import ROOT, outputs_of

    page = str(outputs_of(ROOT)["changes.md"])
    assert "No release of the library has been recorded yet" in page and "policies release NAME" in page
