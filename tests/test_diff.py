"""``policies diff`` in a temporary git repository: content, formatting-only and no change."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from policies.cli import main

from .minimal import write_minimal

CLAUSE = "clauses/staff/staff-contact.md"
TWO_SCHOOLS = {
    "schools/beta.yml": """
        school:
          name: Beta Academy
          governance: academy
        audiences: [parents]
        policy: {adopted: Summer 2022, approved_by: Trustees, review: Summer 2028}
    """,
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=Test", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_minimal(tmp_path, TWO_SCHOOLS)
    outline = root / "clauses" / "outline.yml"
    outline.write_text(
        outline.read_text(encoding="utf-8").replace(
            "audiences: [staff, governors]", "audiences: [staff, governors, parents]"
        )
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / CLAUSE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["-C", str(root), "diff", *args])
    return status, capsys.readouterr().out


def test_wording_change_names_exactly_the_affected_schools(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    edit(repo, "must not contact pupils online", "must never contact pupils online")
    status, out = run(repo, capsys, "main", "--html", str(tmp_path / "redlines"))
    assert status == 0
    assert "| Alpha Primary School | 1 | 0 |" in out
    assert "Beta Academy" not in out  # its policy (parents only) does not include the clause
    assert "~~not~~ **never**" in out
    assert "1 school(s) get different wording." in out
    page = (tmp_path / "redlines" / "alpha.html").read_text(encoding="utf-8")
    assert "<del>not</del> <ins>never</ins>" in page and '<html lang="en-GB">' in page


def test_markup_only_change_is_formatting_only(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "must not contact pupils online", "must **not** contact pupils online")
    status, out = run(repo, capsys, "main")
    assert status == 0
    assert "| Alpha Primary School | 0 | 1 |" in out
    assert "Formatting only: no school's wording changes." in out
    assert "~~" not in out


def test_no_change_reports_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(repo, capsys, "main")
    assert (status, out) == (0, "# Policy impact: main → working tree\n\nNo school's policy changes.\n")


def test_two_revisions_and_a_school_value_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school = repo / "schools" / "alpha.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("Alpha Primary School", "Alpha Church School"))
    git(repo, "commit", "-qam", "rename")
    status, out = run(repo, capsys, "main~1", "main")
    assert status == 0
    assert "| Alpha Church School | 2 | 0 |" in out  # the details and the clause that names the school
    assert "~~Primary~~ **Church**" in out


def test_unknown_revision_is_a_clear_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(repo), "diff", "no-such-branch"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("policies diff: cannot read revision 'no-such-branch'") and "Traceback" not in err
