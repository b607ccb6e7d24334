"""Bad input of every kind ends in a clear ``path:line: message`` and exit 1, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import main
from .minimal import write_minimal

SCHOOL = "schools/alpha.yml"
CLAUSE = "clauses/staff/staff-contact.md"

CASES: dict[str, tuple[str, bytes, str]] = {
    "tab indentation": (SCHOOL, b"school:\n\tname: X\n", "schools/alpha.yml:2: YAML syntax error"),
    "empty school file": (SCHOOL, b"", "schools/alpha.yml:1: file is empty"),
    "school file is a list": (SCHOOL, b"- a\n- b\n", "schools/alpha.yml:1: must be a mapping"),
    "not UTF-8": (SCHOOL, b"school:\n  name: Caf\xe9\n", "schools/alpha.yml:2: not valid UTF-8"),
    "alias bomb": (SCHOOL, b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "schools/alpha.yml:2: YAML aliases"),
    "merge key": (SCHOOL, b"base: {}\nschool:\n  <<: {name: X}\n", "schools/alpha.yml:3:"),
    "oversized file": (SCHOOL, b"# " + b"x" * 300_000 + b"\n", "schools/alpha.yml:1: file is 300,003 bytes"),
    "deep nesting": (SCHOOL, b"a: " + b"[" * 40 + b"]" * 40 + b"\n", "schools/alpha.yml:1: nesting deeper"),
    "unknown key": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\ncolour: red\n",
        "schools/alpha.yml:3: unknown key 'colour'",
    ),
    "wrong type": (
        SCHOOL,
        b"school: {name: [X], governance: academy}\naudiences: [staff]\n",
        "schools/alpha.yml:1: school.name: must be a valid string",
    ),
    "age out of range": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\nages:\n  pupil_minimum: 3\n",
        "schools/alpha.yml:4: ages.pupil_minimum",
    ),
    "boolean as age": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\nages:\n  pupil_minimum: true\n",
        "schools/alpha.yml:4: ages.pupil_minimum",
    ),
    "impossible date": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\npolicy:\n  adopted: 30 February 2022\n",
        "schools/alpha.yml:4: policy.adopted: '30 February 2022'",
    ),
    "newline in a value": (
        SCHOOL,
        b'school:\n  name: "X\\nY"\n  governance: academy\naudiences: [staff]\n',
        "schools/alpha.yml:2: school.name: must be on one line",
    ),
    "javascript url": (
        SCHOOL,
        b"school: {name: X, governance: academy, website: 'javascript:alert(1)'}\naudiences: [staff]\n",
        "schools/alpha.yml:1: school.website: must be a web address",
    ),
    "clause without front matter": (CLAUSE, b"Just text\n", "clauses/staff/staff-contact.md:1: a clause starts"),
    "clause with bad front matter": (CLAUSE, b"---\nid: [\n---\nText\n", "clauses/staff/staff-contact.md:2: YAML"),
    "clause jinja attribute escape": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nvariables: [school.name]\n"
        b"provenance: ['000']\n---\n{{ school.name.__class__ }}\n",
        "clauses/staff/staff-contact.md:9: unknown variable 'school.name.__class__'",
    ),
    "clause jinja include": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nprovenance: ['000']\n---\n"
        b"{% include '/etc/passwd' %}\n",
        "clauses/staff/staff-contact.md:8: 'include' is not allowed in a clause",
    ),
    "clause nested too deeply": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nprovenance: ['000']\n---\n"
        + b"{{ " * 20_000
        + b"\n",
        "clauses/staff/staff-contact.md:8: template error: expressions nested too deeply to read",
    ),
    "unclosed variant": (
        "clauses/staff/staff-former-pupils.md",
        b"---\nid: staff-former-pupils\ntitle: T\nsection: staff\naudiences: [staff]\nprovenance: ['000']\n"
        b"default: a\nvariants:\n  a: {label: A, summary: A.}\n  b: {label: B, summary: B.}\n---\n"
        b"::: variant a\nA\n",
        "clauses/staff/staff-former-pupils.md:12: variant 'a' is never closed",
    ),
    "references not a mapping": ("clauses/references.yml", b"- kcsie\n", "clauses/references.yml:1: must be a mapping"),
    "superseded without successor": (
        "clauses/references.yml",
        b"kcsie:\n  title: K\n  kind: guidance\n  url: https://example.org/k\n  status: superseded\n",
        "clauses/references.yml:1: kcsie: a superseded reference must say what supersedes it",
    ),
    "outline unknown clause": (
        "clauses/outline.yml",
        b"title: P\nsections:\n  - id: staff\n    title: S\n    audiences: [staff]\n"
        b"    clauses: [staff-contact, staff-former-pupils, staff-ghost]\n",
        "clauses/outline.yml:6: unknown clause 'staff-ghost'",
    ),
    "javascript link in clause text": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nprovenance: ['000']\n---\n"
        b"See [this](javascript:alert(1)) and [that](data:text/html,x).\n",
        "clauses/staff/staff-contact.md:8: link target 'javascript:alert(1' is not allowed",
    ),
    "html in clause text": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nprovenance: ['000']\n---\n"
        b"Text <script>alert(1)</script>\n",
        "clauses/staff/staff-contact.md:8: HTML is not allowed in clause text",
    ),
    "same school name twice": (
        "schools/beta.yml",
        b"school: {name: Alpha Primary School, governance: academy}\naudiences: [staff]\n",
        "schools/beta.yml:1: school name 'Alpha Primary School' is also used by schools/alpha.yml",
    ),
    "variant that does not exist": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\nvariants:\n  staff-former-pupils: sometimes\n",
        "schools/alpha.yml:4: variants: clause 'staff-former-pupils' has no variant 'sometimes'",
    ),
    "year typo as integer": (
        SCHOOL,
        b"school: {name: X, governance: academy}\naudiences: [staff]\npolicy:\n  review: 20217\n",
        "schools/alpha.yml:4: policy.review: year 20217 is not between 1990 and 2100",
    ),
    "required value missing": (
        CLAUSE,
        b"---\nid: staff-contact\ntitle: T\nsection: staff\naudiences: [staff]\nvariables: [police.force]\n"
        b"provenance: ['000']\n---\nCall {{ police.force }}.\n",
        "schools/alpha.yml:1: 'police.force' is not set, but clause staff-contact uses it",
    ),
    "reference of unknown kind": (
        "clauses/references.yml",
        b"kcsie:\n  title: K\n  kind: rumour\n  url: https://example.org/k\n  status: current\n",
        "clauses/references.yml:3: kcsie.kind: must be",
    ),
    "template syntax in a school value is data": (
        SCHOOL,
        b"school: {name: '{{ 7 * 7 }}', governance: academy}\naudiences: [staff]\npolicy: {adopted: 2020}\n"
        b"ages: {former_pupil_contact: '{{ 18 }}'}\n",
        "schools/alpha.yml:4: ages.former_pupil_contact: must be a valid integer",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_clear_error(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    relative, content, expected = CASES[case]
    root = write_minimal(tmp_path)
    (root / relative).write_bytes(content)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    status = main(["-C", str(root), "build"])
    err = capsys.readouterr().err
    assert status == 1, err
    assert expected in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert not (root / "site").exists() and not (root / "docs").exists()
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_symlink_outside_the_project_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path / "project")
    outside = tmp_path / "secret.yml"
    outside.write_text("school: {name: Secret, governance: academy}\naudiences: [staff]\n", encoding="utf-8")
    os.symlink(outside, root / "schools" / "beta.yml")
    assert main(["-C", str(root), "check"]) == 1
    assert "schools/beta.yml: is a link to a file outside the project" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../escape.yml", "Capital.yml", "two words.yml", "dots.in.name.yml"])
def test_bad_school_file_names(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path / "project")
    target = root / "schools" / name
    target.write_text("school: {name: Other, governance: academy}\naudiences: [staff]\n", encoding="utf-8")
    status = main(["-C", str(root), "check"])
    err = capsys.readouterr().err
    if name.startswith("../"):
        assert status == 0  # outside schools/, so not a school file at all
    else:
        assert status == 1 and "is not a valid school slug" in err


def test_byte_order_mark_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path)
    school = root / SCHOOL
    school.write_bytes(b"\xef\xbb\xbf" + school.read_bytes())
    assert main(["-C", str(root), "check"]) == 0, capsys.readouterr().err


def test_broken_mkdocs_config_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    assert main(["-C", str(root), "build"]) == 1
    err = capsys.readouterr().err
    assert "mkdocs build failed" in err and "Traceback" not in err
    assert not (root / "site").exists()


def test_nothing_is_written_outside_the_output_folders(tmp_path: Path) -> None:
    root = write_minimal(tmp_path / "project")
    before = {p for p in tmp_path.rglob("*")}
    assert main(["-C", str(root), "build"]) == 0
    new = {p.relative_to(root).parts[0] for p in set(tmp_path.rglob("*")) - before}
    assert new <= {"docs", "site", ".policies-cache"}
