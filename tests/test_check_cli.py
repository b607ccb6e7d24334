"""``policies check``: every problem in one run, as ``path:line: message``, exact output."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.cli import main
from tests.minimal import FILES, write_minimal


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_minimal_project_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(write_minimal(tmp_path), capsys, "check")
    assert (status, err) == (0, "")
    assert out == "OK: 2 clauses, 2 references, 1 schools\n"


def test_many_school_mistakes_reported_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(
        tmp_path,
        {
            "schools/alpha.yml": """
            school:
              name: Alpha Primary School
              governance: maintaned
              nursrey: true
            audiences: [staff, teachers]
            ages:
              former_pupil_contact: "18"
            policy:
              adopted: Summer 2022
              review: June 20217
            variants:
              staff-former-pupils: sometimes
              staff-missing: never
        """,
            "schools/beta.yml": """
            school:
              name: Beta School
              governance: academy
            audiences: [staff]
            policy:
              adopted: 1 September 2023
              review: 1 September 2022
        """,
            "schools/Bad_Slug.yml": "school: {}\n",
            "schools/gamma.yml": "school:\n  name: Gamma\n  name: Gamma again\n",
            "schools/delta.yml": "audiences: [staff]\n",
        },
    )
    status, out, err = run(root, capsys, "check")
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "schools/Bad_Slug.yml: 'Bad_Slug' is not a valid school slug: use lowercase letters, digits and hyphens",
        "schools/alpha.yml:3: school.governance: must be 'maintained', 'academy' or 'independent'",
        "schools/alpha.yml:4: unknown key 'school.nursrey' (did you mean 'nursery'?)",
        "schools/alpha.yml:5: audiences.1: must be 'staff', 'governors', 'pupils', 'parents' or 'agreement'",
        "schools/alpha.yml:7: ages.former_pupil_contact: must be a valid integer, not str",
        "schools/alpha.yml:10: policy.review: year 20217 is not between 1990 and 2100",
        "schools/beta.yml:5: policy: review date 1 September 2022 is not after the adopted date 1 September 2023",
        "schools/delta.yml:1: missing required value 'school'",
        "schools/gamma.yml:3: duplicate key 'name' (first set on line 2)",
        "9 error(s), 0 warning(s)",
    ]


def test_variant_and_variable_mistakes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(
        tmp_path,
        {
            "schools/alpha.yml": """
            school:
              name: Alpha Primary School
              governance: maintained
            audiences: [staff]
            dsl:
              role: ""
            variants:
              staff-former-pupils: sometimes
              staff-missing: never
              staff-contact: anything
        """,
        },
    )
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert err.splitlines() == [
        "schools/alpha.yml:6: dsl.role: must not be empty",
        "1 error(s), 0 warning(s)",
    ]
    (root / "schools/alpha.yml").write_text(
        "school:\n  name: Alpha\n  governance: maintained\naudiences: [staff]\nvariants:\n"
        "  staff-former-pupils: sometimes\n  staff-missing: never\n  staff-contact: anything\n"
        "policy: {adopted: 2020, approved_by: Governors, review: 2029}\n",
        encoding="utf-8",
    )
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert err.splitlines() == [
        "schools/alpha.yml:6: variants: clause 'staff-former-pupils' has no variant 'sometimes' "
        "(choose from: under-age, never)",
        "schools/alpha.yml:7: variants: unknown clause 'staff-missing'",
        "schools/alpha.yml:8: variants: clause 'staff-contact' has no variants to choose from",
        "3 error(s), 0 warning(s)",
    ]


def test_clause_mistakes_reported_at_clause_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(
        tmp_path,
        {
            "clauses/staff/staff-contact.md": """
            ---
            id: staff-contact
            title: Contact with pupils
            section: staff
            audiences: [staff, governors]
            variables: [dsl.role, school.name, dsl.phone]
            references: [kcsie, lscb]
            provenance: ["000", "009"]
            ---
            Staff at {{ school.name }} must not contact pupils online.

            Report any contact to the {{ dsl.role }} or {{ police.team }}.
        """,
            # Two mistakes: the "never" variant has no block, and a "}}" lost a brace.
            "clauses/staff/staff-former-pupils.md": FILES["clauses/staff/staff-former-pupils.md"]
            .replace("::: variant never\n        Staff must not contact former pupils.\n        :::\n", "")
            .replace("{{ ages.former_pupil_contact }}.", "{{ ages.former_pupil_contact }."),
        },
    )
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert err.splitlines() == [
        "clauses/staff/staff-contact.md:6: lists variable 'dsl.phone' but its text does not use it",
        "clauses/staff/staff-contact.md:7: unknown reference 'lscb' (not in clauses/references.yml)",
        "clauses/staff/staff-contact.md:8: unknown source '009' (not in clauses/sources.yml)",
        "clauses/staff/staff-contact.md:12: unknown variable 'police.team' (did you mean 'police.force'?)",
        "clauses/staff/staff-contact.md:12: uses variable 'police.team' but does not list it in 'variables'",
        "clauses/staff/staff-former-pupils.md:13: variant 'never' has no '::: variant never' block in the body",
        "clauses/staff/staff-former-pupils.md:20: template error: unexpected '}'",
        "7 error(s), 0 warning(s)",
    ]


STALE_REFERENCE = """
    kcsie:
      title: Keeping children safe in education
      kind: statutory-guidance
      edition: "2025"
      url: https://www.gov.uk/government/publications/keeping-children-safe-in-education--2
      status: current
      checked: 1 October 2025
      maintainer_note: The 2026 edition is UNVERIFIED.
    working-together:
      title: Working together to safeguard children
      kind: statutory-guidance
      url: https://www.gov.uk/government/publications/working-together-to-safeguard-children--2
      status: current
    kcsie-2015:
      title: Keeping children safe in education
      kind: statutory-guidance
      url: https://www.gov.uk/government/publications/keeping-children-safe-in-education--2
      status: superseded
      superseded_by: kcsie
      checked: 2020
"""


def test_current_reference_not_checked_for_a_year_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Build date 1 November 2026 (tests/conftest.py); superseded entries are never stale."""
    root = write_minimal(tmp_path, {"clauses/references.yml": STALE_REFERENCE})
    status, out, err = run(root, capsys, "check")
    assert status == 0
    assert err == (
        "clauses/references.yml:7: warning: current reference 'kcsie' was last checked 1 October 2025, more than"
        " a year before the build date 2026-11-01: verify the edition in force and update 'checked'\n"
        "clauses/references.yml:9: warning: current reference 'working-together' has no 'checked' date:"
        " verify it and record when\n"
        "0 error(s), 2 warning(s)\n"
    )
    assert out == "OK: 2 clauses, 3 references, 1 schools\n"
    status, _, _ = run(root, capsys, "check", "--strict")
    assert status == 1


def test_reference_checked_within_the_year_is_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    references = STALE_REFERENCE.replace("checked: 1 October 2025", "checked: November 2025")
    root = write_minimal(tmp_path, {"clauses/references.yml": references})
    _, _, err = run(root, capsys, "check")
    assert "'kcsie'" not in err
