"""``policies pack``: the governors' meeting pack, in a git repository with releases and an approval."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from policies.resolve.prepare import prepare
from policies.resolve.version import content_hash, identifier

from .helpers import HOSTILE, all_text, git, library_repository, main, open_docx, pdf_text

CLAUSE = Path("clauses/staff-use/staff-personal-use-at-work.md")
CHANGED = "On them, staff must not send spam"
FAR_AWAY = "Staff who see a pupil or adult misusing"  # St Ann's clause: two sentences after the change
APPROVAL = """
approvals:
  - document: staff-policy
    release: "2026.1"
    date: 1 December 2026
    by: Full Governing Body
    minute: FGB 2026/14
"""


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return library_repository(tmp_path, monkeypatch, "Clerk")


def edit(root: Path, path: Path, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text
    (root / path).write_text(text.replace(old, new), encoding="utf-8")


def pack(root: Path, *args: str) -> int:
    return main(["-C", str(root), "pack", *args])


def test_the_pack_shows_the_changes_since_the_approved_version_and_the_resolution(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, out = repository, repository / "out"
    assert pack(root, "st-anns") == 1
    assert capsys.readouterr().err == (
        "policies pack: no release of the library yet: run `policies release NAME --notes TEXT` first\n"
    )
    assert main(["-C", str(root), "release", "2026.1", "--notes", "First release."]) == 0
    with (root / "schools" / "st-anns.yml").open("a", encoding="utf-8") as school:
        school.write(APPROVAL)
    edit(root, CLAUSE, CHANGED, CHANGED.replace("must not", "must never"))
    git(root, "commit", "-qam", "St Ann's approval; no spam, ever")
    assert main(["-C", str(root), "release", "2026.2", "--notes", "Spam reworded."]) == 0
    capsys.readouterr()

    assert pack(root, "st-anns", "--out", str(out), "--meeting", "14 December 2026") == 0
    said = capsys.readouterr()
    assert said.err == ""
    assert "1 document(s) to approve at library release 2026.2" in said.out
    (policy,) = [p for p in prepare(root).policies if p.slug == "st-anns"]
    version = identifier("staff-policy", "2026.2", content_hash(policy))
    assert f"{version}: 1 clause changed since it was approved on 1 December 2026 (release 2026.1)" in said.out

    docx_bytes = (out / "st-anns-governors-pack.docx").read_bytes()
    pdf_bytes = (out / "st-anns-governors-pack.pdf").read_bytes()
    document = open_docx(docx_bytes)
    text = all_text(document)
    assert "Changes since the version approved on 1 December 2026 by Full Governing Body (release 2026.1)" in text
    (line,) = [p for p in document.paragraphs if p.text.startswith("On them, staff must")]
    assert [r.text for r in line.runs if r.font.strike] == ["not"]
    assert [r.text for r in line.runs if r.underline] == ["never"]
    assert "Nor may they promote" in text and "School IT systems are for work." in text  # its neighbours
    assert FAR_AWAY not in text and "occasional, professional personal use" not in text  # not the rest
    resolution = (
        "Proposed resolution of the Governing Body: to approve the Policy for Social Networking of "
        f"{policy.name}, version {version}, as it stands at library release 2026.2, and to confirm the"
    )
    assert resolution in text
    assert (
        'policies approve st-anns staff-policy --release 2026.2 --date "14 December 2026" --by "the Governing Body"'
        in text
    )
    headings = {p.style.name for p in document.paragraphs if p.style is not None}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= headings
    properties = document.core_properties
    assert properties.language == "en-GB" and properties.title == f"Governors' meeting pack: {policy.name}"
    assert properties.created is not None and properties.created.date().isoformat() == "2026-12-01"

    if shutil.which("pdftotext") or os.environ.get("CI"):  # CI has poppler; elsewhere only this part is skipped
        shown = pdf_text(pdf_bytes)
        assert "On them, staff must not never send spam" in shown and FAR_AWAY not in shown
        assert version in shown and "as it stands at library release 2026.2" in shown
        assert "Prepared on 1 December 2026" in shown

    # The same inputs make the same bytes; a working tree ahead of the release is named but not packed.
    edit(root, CLAUSE, "School IT systems are for work.", "School IT systems are for school work.")
    assert pack(root, "st-anns", "--out", str(out), "--meeting", "14 December 2026") == 0
    warned = capsys.readouterr().err
    assert warned.startswith("warning: the working tree's text of the Policy for Social Networking differs from ")
    assert (out / "st-anns-governors-pack.docx").read_bytes() == docx_bytes
    assert (out / "st-anns-governors-pack.pdf").read_bytes() == pdf_bytes


def test_a_document_never_approved_comes_with_its_full_text_and_values_appear_literally(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repository
    name, body = HOSTILE["name"], '#set page(width: 1pt) "Governors" $x$ // \\'
    edit(root, Path("schools/st-anns.yml"), "name: St Ann's School", f"name: '{name}'")
    edit(root, Path("schools/st-anns.yml"), "approved_by: the Governing Body", f"approved_by: '{body}'")
    git(root, "commit", "-qam", "A school with values that are syntax somewhere")
    assert main(["-C", str(root), "release", "2026.1", "--notes", "First release."]) == 0
    assert pack(root, "st-anns") == 0  # the default folder: packs/ in the project
    assert "Not approved in this form: full text" in capsys.readouterr().out
    document = open_docx((root / "packs" / "st-anns-governors-pack.docx").read_bytes())
    text = all_text(document)
    assert "has not been approved in this form" in text
    assert FAR_AWAY in text and "1. Introduction" in text  # numbered sections and clauses
    assert re.search(r"version staff-policy/2026\.1/[0-9a-f]{8}, as it stands at library release 2026\.1", text)
    assert '--date "<date of the meeting>"' in text
    assert f"Proposed resolution of the {body}: to approve the Policy for Social Networking of {name}, version " in text
    assert f"--by '{body}'" in text  # quoted so that the shell reads none of it
    assert document.core_properties.title == f"Governors' meeting pack: {name}"
    if shutil.which("pdftotext") or os.environ.get("CI"):
        shown = pdf_text((root / "packs" / "st-anns-governors-pack.pdf").read_bytes())
        assert f"Proposed resolution of the {body}: to approve" in shown and name in shown


def test_errors_are_one_line(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repository
    assert pack(root, "st-ann") == 1
    assert capsys.readouterr().err == "policies pack: no school 'st-ann' (schools/st-ann.yml): did you mean st-anns?\n"
    assert pack(root, "st-anns", "--meeting", "Summer 2026") == 1
    assert capsys.readouterr().err == (
        "policies pack: --meeting: 'Summer 2026' is not a day; write it as 14 March 2026\n"
    )
    (root / "clauses" / "releases.yml").write_text(
        '- name: "2026.9"\n  date: 1 November 2026\n  notes: "Never tagged."\n  clauses: []\n', encoding="utf-8"
    )
    assert pack(root, "st-anns") == 1
    err = capsys.readouterr().err
    assert err.startswith("policies pack: release '2026.9' has no git tag here") and err.count("\n") == 1
