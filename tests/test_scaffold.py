"""new-school scaffold, editor schemas, review notices and reference currency in ``check``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policies.maintain.schema import schema_texts

from .helpers import ROOT, copy_project, fill_markers, main
from .minimal import write_minimal

FILLS = {
    "school.governance": "academy",
    "school.phase": "primary",
    "policy.adopted": "Autumn 2026",
    "policy.approved_by": "the Board of Trustees",
    "policy.review": "Autumn 2027",
    "dsl.name": "Sam Patel",
    "police.force": "Kent Police",
    "police.child_protection_team": "Kent Police Child Protection Team",
    "local_authority.name": "Kent County Council",
    "safeguarding_partnership.name": "Kent Safeguarding Children Multi-Agency Partnership",
    "front_door.name": "Kent Integrated Children's Services Front Door",
    "front_door.phone": "03000 41 11 11",
    "lado.name": "Kent LADO service",
    "lado.phone": "03000 41 08 88",
    "hr_provider.name": "the trust's HR team",
    "eap.name": "Care First",
    "eap.phone": "0800 174 319",
    "filtering.provider": "the trust's filtering service",
    "online_safety_lead.title": "Online Safety Lead",
    "scenario.pupils": "Year 5 pupils",
}


def fill(text: str) -> str:
    """Replace each TO FILL with the value for its dotted path (top-level block + key)."""
    return fill_markers(text, FILLS.__getitem__)


@pytest.mark.slow
def test_new_school_from_nothing_to_a_published_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(tmp_path / "project")
    assert main(["-C", str(root), "new-school", "oak-view", "--name", "Oak View Academy"]) == 0
    out = capsys.readouterr().out
    assert "Wrote schools/oak-view.yml" in out and "Next steps" in out
    path = root / "schools" / "oak-view.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/school.schema.json")

    # check names every field still to fill, each at its own line.
    assert main(["-C", str(root), "check"]) == 1
    err = capsys.readouterr().err
    flagged = re.findall(r"^schools/oak-view\.yml:(\d+): (\S+): still to fill in", err, re.M)
    lines = text.split("\n")
    marker_lines = [str(i) for i, line in enumerate(lines, 1) if ": TO FILL" in line]
    assert [line for line, _ in flagged] == marker_lines
    assert len(flagged) == 20

    # Filling exactly those fields makes the school valid and publishable.
    path.write_text(fill(text), encoding="utf-8")
    assert main(["-C", str(root), "check"]) == 0, capsys.readouterr().err
    assert main(["-C", str(root), "build", "--no-site"]) == 0
    page = (root / "docs" / "schools" / "oak-view.md").read_text(encoding="utf-8")
    assert "Oak View Academy" in page and "Sam Patel" in page and "Kent Police Child Protection Team" in page
    assert "| Local authority designated officer (LADO) | Kent LADO service, 03000 41 08 88 |" in page
    # A school onboarded from scratch has no source policy: nothing is new, changed or dropped for it.
    assert "source:" not in text and "Changes to confirm" not in page
    capsys.readouterr()
    assert main(["-C", str(root), "changes", "oak-view"]) == 0
    assert capsys.readouterr().out == ""


def test_new_school_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path)
    before = (root / "schools" / "alpha.yml").read_bytes()
    assert main(["-C", str(root), "new-school", "alpha", "--name", "Another"]) == 1
    assert "schools/alpha.yml already exists; not overwriting it" in capsys.readouterr().err
    assert (root / "schools" / "alpha.yml").read_bytes() == before


@pytest.mark.parametrize("slug", ["Bad_Slug", "../escape", "a/b"])
def test_new_school_refuses_bad_slugs(tmp_path: Path, slug: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path)
    assert main(["-C", str(root), "new-school", slug, "--name", "X"]) == 1
    assert "is not a valid school slug" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "schools").iterdir()) == ["alpha.yml"]


def test_committed_schemas_match_the_models() -> None:
    for name, text in schema_texts().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, f"run `policies schema` ({name})"


def test_school_files_reference_the_schema() -> None:
    for path in (ROOT / "schools").glob("*.yml"):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../schema/school.schema.json"
        )


def test_superseded_reference_warns_with_schools_and_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_minimal(tmp_path)
    clause = root / "clauses" / "staff" / "staff-contact.md"
    clause.write_text(
        clause.read_text(encoding="utf-8").replace("references: [kcsie]", "references: [kcsie-2015]"), encoding="utf-8"
    )
    assert main(["-C", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert (
        "clauses/staff/staff-contact.md:7: warning: cites 'kcsie-2015', which is superseded; "
        "cite 'kcsie' instead (in the policy of alpha)"
    ) in err
    assert main(["-C", str(root), "check", "--strict"]) == 1


def test_review_notices_against_build_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_minimal(tmp_path)
    references = root / "clauses" / "references.yml"  # checked recently enough for 2028: only the review speaks
    references.write_text(references.read_text(encoding="utf-8").replace("1 October 2026", "1 March 2028"), "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1838246400")  # 1 April 2028: Summer 2028 is due within three months
    assert main(["-C", str(root), "check", "--strict"]) == 0
    assert "schools/alpha.yml:8: notice: policy review due within three months: Summer 2028" in capsys.readouterr().err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 1 January 2030: overdue
    assert main(["-C", str(root), "check"]) == 0
    assert "notice: policy review overdue: Summer 2028 (build date 2030-01-01)" in capsys.readouterr().err


def test_new_school_asks_only_what_its_documents_use_and_its_organisations_do_not_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(tmp_path / "project")
    argv = ["-C", str(root), "new-school", "oak-view", "--name", "Oak View Primary"]
    argv += ["--organisation", "cheshire-west-and-chester", "--document", "parents-code"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    text = (root / "schools" / "oak-view.yml").read_text(encoding="utf-8")
    markers = text.count(": TO FILL")
    assert f"Wrote schools/oak-view.yml: {markers} values still to fill in." in out and markers == 13
    assert "documents: [parents-code]" in text and "audiences: [parents]" in text
    assert "organisations: [cheshire-west-and-chester]" in text
    # The authority gives its police, front door and local authority: the file does not ask for them.
    for given in ("police", "front_door", "local_authority"):
        assert f"\n{given}:" not in text and f"# {given}: from Cheshire West and Chester Council" in text
    # The parents' code uses no filtering, homework platforms or staff variant choices.
    assert "\nfiltering:" not in text and "\nplatforms:" not in text and "variants: {}" in text
    assert main(["-C", str(root), "check"]) == 1
    flagged = re.findall(r"^schools/oak-view\.yml:\d+: (\S+): still to fill in", capsys.readouterr().err, re.M)
    assert len(flagged) == markers
    for unknown in (["--organisation", "nowhere"], ["--document", "leaflet"]):
        assert main(["-C", str(root), "new-school", "elm", "--name", "Elm", *unknown]) == 1
        assert "policies new-school: no " in capsys.readouterr().err and not (root / "schools" / "elm.yml").exists()
