"""Approvals: `policies approve` records one in a school's file (keeping the file as it was written), and
`policies check` follows each approval to the document, the release and the day it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.load.yamlsource import parse_yaml
from policies.maintain.approve import COMMENT, with_entry, yaml_string

from .helpers import copy_project, git, load_and_check, main

# The build date the tests pin (conftest.py) is 1 November 2026.
RELEASES = """\
- name: "2026.1"
  date: 1 October 2026
  notes: "First."
  clauses: []
- name: "2026.2"
  date: 20 October 2026
  notes: "Second."
  clauses: []
- name: "2026.3"
  date: 24 October 2026
  notes: "Third."
  clauses: []
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The shipped project, with three releases recorded."""
    project = copy_project(tmp_path / "project")
    (project / "clauses" / "releases.yml").write_text(RELEASES, encoding="utf-8")
    return project


def school(root: Path, slug: str) -> Path:
    return root / "schools" / f"{slug}.yml"


def approve(root: Path, *args: str) -> int:
    return main(["-C", str(root), "approve", *args])


def line_with(text: str, marker: str) -> int:
    """The line (from 1) of the one line of ``text`` holding ``marker``."""
    found = [n for n, line in enumerate(text.split("\n"), 1) if marker in line]
    assert len(found) == 1, (marker, found)
    return found[0]


# --- policies approve writes the entry ---------------------------------------------------------------


def test_approve_appends_a_commented_list_and_keeps_the_rest_byte_for_byte(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = school(root, "elton")
    before = path.read_bytes()
    assert b"approvals:" not in before
    args = ["--release", "2026.1", "--date", "2026-10-14", "--by", "Full Governing Body", "--minute", "FGB 2026/14"]
    assert approve(root, "elton", *args) == 0
    out = capsys.readouterr().out
    lines = before.decode().count("\n")
    assert out == (
        f"Recorded in schools/elton.yml:{lines + 4}: Full Governing Body approved Social Networking and Acceptable "
        "Use Policy (staff-policy) as it stood at release 2026.1, on 14 October 2026, minute FGB 2026/14. "
        "Next: `policies build` publishes the approved copy.\n"
    )
    first = path.read_bytes()
    assert (
        first
        == before
        + (
            f"\n{COMMENT}\n"
            "approvals:\n"
            '  - document: "staff-policy"\n'
            '    release: "2026.1"\n'
            "    date: 14 October 2026\n"
            '    by: "Full Governing Body"\n'
            '    minute: "FGB 2026/14"\n'
        ).encode()
    )

    # A second approval goes at the end of the list, a document named and no minute given.
    assert (
        approve(root, "elton", "pupils-rules", "--release", "2026.2", "--date", "21 October 2026", "--by", "FGB") == 0
    )
    assert "approved Online Safety Rules for Pupils (pupils-rules)" in capsys.readouterr().out
    assert path.read_bytes() == first + (
        b'  - document: "pupils-rules"\n    release: "2026.2"\n    date: 21 October 2026\n    by: "FGB"\n'
    )

    # ...and the file checks cleanly, with both approvals as written.
    project, problems = load_and_check(root)
    assert [p for p in problems.errors if "approvals" in p.message] == []
    approvals = project.schools["elton"].approvals
    assert [(a.document, a.release, str(a.date), a.by, a.minute) for a in approvals] == [
        ("staff-policy", "2026.1", "14 October 2026", "Full Governing Body", "FGB 2026/14"),
        ("pupils-rules", "2026.2", "21 October 2026", "FGB", None),
    ]
    assert main(["-C", str(root), "check"]) == 1  # the releases are recorded, but this folder has no git tags
    assert "release '2026.1' has no git tag here: its text cannot be read" in capsys.readouterr().err
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "x"],
    ):
        git(root, *command)
    for release in ("2026.1", "2026.2"):
        git(root, "tag", release)
    assert main(["-C", str(root), "check"]) == 0


def test_approve_adds_to_an_existing_list_that_is_not_the_last_key(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = school(root, "montessori-place")
    shipped = path.read_text(encoding="utf-8")
    block = (
        "approvals:   # what the Directors approved\n"
        "- release: '2026.1'   # its main document\n"
        "  date: 5 October 2026\n"
        "  by: Directors\n"
        "  # minute to follow\n"
        "\n"
        "# The dates below: the source gives none.\n"
    )
    anchor = "policy:\n  title: Social Networking Policy\n"
    text = shipped.replace(anchor, block + anchor)
    path.write_text(text, encoding="utf-8")
    assert (
        approve(
            root, "montessori-place", "pupils-rules", "--release", "2026.3", "--date", "2026-10-30", "--by", "Directors"
        )
        == 0
    )
    at = line_with(text, "# minute to follow") + 1
    assert f"Recorded in schools/montessori-place.yml:{at}: Directors approved" in capsys.readouterr().out
    entry = '- document: "pupils-rules"\n  release: "2026.3"\n  date: 30 October 2026\n  by: "Directors"\n'
    split = text.index("  # minute to follow\n") + len("  # minute to follow\n")
    assert path.read_text(encoding="utf-8") == text[:split] + entry + text[split:]
    project, problems = load_and_check(root)
    assert [p for p in problems.errors if p.path == "schools/montessori-place.yml"] == []
    assert [a.document for a in project.schools["montessori-place"].approvals] == [None, "pupils-rules"]


def test_the_entry_is_added_to_an_empty_flow_list_and_keeps_windows_line_endings() -> None:
    text = "school:\r\n  name: X\r\napprovals: []   # none yet\r\nvariants: {}\r\n"
    new, first, last = with_entry(text, parse_yaml(text), ['release: "1"', "date: 1 May 2026", 'by: "B"'], "x.yml")
    assert new == (
        "school:\r\n  name: X\r\napprovals: # none yet\r\n"
        '  - release: "1"\r\n    date: 1 May 2026\r\n    by: "B"\r\nvariants: {}\r\n'
    )
    assert (first, last) == (4, 6)
    text = "school:\n  name: X"  # no newline at the end
    new, first, last = with_entry(text, parse_yaml(text), ['release: "1"'], "x.yml")
    assert new == f'school:\n  name: X\n\n{COMMENT}\napprovals:\n  - release: "1"\n' and first == last == 6


def test_values_are_quoted_so_they_read_back_unchanged(root: Path) -> None:
    body = 'Governors: "the Board" # 2 \\ {x} [y] & *z ŵ \x85 ok'
    minute = "'FGB' 2026/14: item 3 — agreed"
    assert (
        approve(root, "st-anns", "--release", "2026.1", "--date", "14 October 2026", "--by", body, "--minute", minute)
        == 0
    )
    assert "\x85" not in school(root, "st-anns").read_text(encoding="utf-8")  # written as an escape
    project, problems = load_and_check(root)
    assert not problems.errors
    approval = project.schools["st-anns"].approvals[0]
    assert (approval.by, approval.minute) == (body, minute)
    assert yaml_string("a\u2028b\ufeff") == '"a\\u2028b\\ufeff"'


# --- policies check follows each approval -------------------------------------------------------------


def test_check_reports_every_problem_of_every_approval_at_its_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    montessori = school(root, "montessori-place")
    text = montessori.read_text(encoding="utf-8") + (
        "\napprovals:\n"
        "  - release: '2026.1'              # A: its main document, staff-policy\n"
        "    date: 5 October 2026\n"
        "  # (by is below, so the checks point at the keys that are wrong)\n"
        "    by: Directors\n"
        "  - document: staff-polcy          # B\n"
        "    release: '2026.1'\n"
        "    date: 6 October 2026\n"
        "    by: Directors\n"
        "  - document: pupils-rules\n"
        "    release: '2026.22'             # C\n"
        "    date: 7 October 2026\n"
        "    by: Directors\n"
        "  - document: pupils-rules\n"
        "    release: '2026.1'\n"
        "    date: October 2026             # D\n"
        "    by: Directors\n"
        "  - document: pupils-rules\n"
        "    release: '2026.3'\n"
        "    date: 10 October 2026          # F\n"
        "    by: Directors\n"
        "  - document: pupils-rules\n"
        "    release: '2026.2'\n"
        "    date: 1 December 2026          # E\n"
        "    by: Directors\n"
        "  - document: staff-policy\n"
        "    release: '2026.1'              # G\n"
        "    date: 25 October 2026\n"
        "    by: Directors\n"
        "  - release: '2026.2'\n"
        "    date: 22 October 2026          # H\n"
        "    by: Directors\n"
    )
    montessori.write_text(text, encoding="utf-8")
    st_anns = school(root, "st-anns")
    one_policy = st_anns.read_text(encoding="utf-8").replace("documents: [staff-policy]", "")
    one_policy += "approvals:\n  - document: staff-policy   # one policy\n    release: '2026.1'\n"
    one_policy += "    date: 2 October 2026\n    by: Governing Body\n"
    st_anns.write_text(one_policy, encoding="utf-8")

    assert main(["-C", str(root), "check"]) == 1
    err = capsys.readouterr().err
    at = "schools/montessori-place.yml:{}: approvals{}".format
    expected = [
        at(
            line_with(text, "# B"),
            ": 'staff-polcy' is not a document this school publishes (did you mean 'staff-policy'?); "
            "it publishes staff-policy, pupils-rules",
        ),
        at(
            line_with(text, "# C"),
            ": release '2026.22' is not recorded in clauses/releases.yml (did you mean '2026.2'?)",
        ),
        at(
            line_with(text, "# D"),
            ": date 'October 2026' is not a day: write the day of the meeting, for example '14 March 2026'",
        ),
        at(
            line_with(text, "# F"),
            ": date 10 October 2026 is before release '2026.3' (24 October 2026): a body approves a release after "
            "it is made",
        ),
        at(line_with(text, "# E"), ": date 1 December 2026 is after the build date 2026-11-01"),
        at(
            line_with(text, "# G"),
            f": 'staff-policy' is already recorded as approved at release '2026.1' (line {line_with(text, '# A')}): "
            "remove one of them",
        ),
        at(
            line_with(text, "# H"),
            f" are oldest first: 22 October 2026 is before 25 October 2026, the date of the approval of "
            f"'staff-policy' on line {line_with(text, '# G') - 1}: move this one above it",
        ),
        f"schools/st-anns.yml:{line_with(one_policy, '# one policy')}: approvals: document 'staff-policy': this "
        "school publishes one policy (its file lists no documents:), so leave document: out",
    ]
    for line in expected:
        assert line in err.split("\n"), line
    reported = [line for line in err.split("\n") if "approvals" in line]
    assert len(reported) == len(expected), reported
    assert "Traceback" not in err


def test_check_says_how_to_record_a_release_when_there_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    path = school(root, "st-anns")
    text = (
        path.read_text(encoding="utf-8") + "approvals:\n  - release: '2026.1'\n    date: 2 October 2026\n    by: FGB\n"
    )
    path.write_text(text, encoding="utf-8")
    assert main(["-C", str(root), "check"]) == 1
    assert (
        f"schools/st-anns.yml:{line_with(text, 'release:')}: approvals: release '2026.1' is not recorded: the library "
        "has no releases yet (clauses/releases.yml); `policies release NAME --notes TEXT` records one"
    ) in capsys.readouterr().err.split("\n")
    path.write_text(text.removesuffix("approvals:\n  - release: '2026.1'\n    date: 2 October 2026\n    by: FGB\n"))
    before = path.read_bytes()
    assert approve(root, "st-anns", "--release", "2026.1", "--date", "2 October 2026", "--by", "FGB") == 1
    assert "`policies release NAME --notes TEXT` records one" in capsys.readouterr().err
    assert path.read_bytes() == before


# --- policies approve refuses, writing nothing ---------------------------------------------------------


def test_approve_refuses_what_check_would_reject_and_writes_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(root, "elton", "--release", "2026.1", "--date", "14 October 2026", "--by", "FGB") == 0
    capsys.readouterr()
    files = {path: path.read_bytes() for path in (root / "schools").iterdir()}
    elton = files[school(root, "elton")].decode()
    new = elton.count("\n") + 1  # the line a new entry would start on
    cases = {
        ("eltn",): "policies approve: no school 'eltn': there is no schools/eltn.yml (did you mean 'elton'?)",
        ("elton", "staff-polcy"): f"schools/elton.yml:{new}: approvals: 'staff-polcy' is not a document this school "
        "publishes (did you mean 'staff-policy'?); it publishes staff-policy, pupils-rules, acceptable-use-agreement",
        ("elton", "--release", "2025-final"): f"schools/elton.yml:{new + 1}: approvals: release '2025-final' is not "
        "recorded in clauses/releases.yml",
        ("elton", "--date", "2 November 2026"): f"schools/elton.yml:{new + 2}: approvals: date 2 November 2026 is "
        "after the build date 2026-11-01",
        ("elton", "--date", "Summer 2026"): "policies approve: --date: 'Summer 2026' is not a day: give the day of "
        "the meeting, for example '14 March 2026'",
        ("elton", "--date", "31 February 2026"): "policies approve: --date: '31 February 2026' is not a real date",
        ("elton", "staff-policy", "--release", "2026.1"): "policies approve: schools/elton.yml:"
        f"{new - 4}: already records that FGB approved 'staff-policy' at release 2026.1 (14 October 2026)",
        ("elton", "--by", " "): "policies approve: --by: must not be empty",
        ("elton", "--release", "no/slash"): "policies approve: 'no/slash' cannot name a release: letters, digits, "
        "'.', '_' and '-', at most 40",
    }
    for args, message in cases.items():
        defaults = {"--release": "2026.2", "--date": "25 October 2026", "--by": "FGB"}
        slug, rest = args[0], list(args[1:])
        positional = [rest.pop(0)] if rest and not rest[0].startswith("--") else []
        defaults.update(dict(zip(rest[::2], rest[1::2], strict=True)))
        options = [item for pair in defaults.items() for item in pair]
        assert approve(root, slug, *positional, *options) == 1, args
        err = capsys.readouterr().err
        assert message in err.split("\n"), (args, err)
        assert "Traceback" not in err and "internal error" not in err
        if message.startswith("schools/"):
            assert err.endswith("policies approve: nothing was written: fix the problems above\n")
        assert {path: path.read_bytes() for path in (root / "schools").iterdir()} == files, args
