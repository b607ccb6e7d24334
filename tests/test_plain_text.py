"""The plain-text checks of ``policies check``: reading level, terminology, repetition; exact output."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from policies.load.plaintext import plain_line
from policies.load.readability import grade
from tests.minimal import FILES, write_minimal

from .helpers import main

READABILITY = """
    targets:
      primary pupils: 5
      secondary pupils: 8
      parents: 9
      staff: 12
      governors: 12
      agreement: 12
    pupils:
      nursery: primary pupils
      primary: primary pupils
      all-through: primary pupils
      special: primary pupils
      secondary: secondary pupils
      unknown: primary pupils
"""

TERMS = """
    - preferred: Designated Safeguarding Lead
      avoid: [Designated Child Protection Officer, Child Protection Officer]
      reason: the role's name in Keeping children safe in education
    - preferred: online safety
      avoid: [e-safety]
      allow: [E-Safety Award]
      reason: the current term
"""

HARD = (
    "Staff must keep professional communications separate from personal correspondence at all times, "
    "and they must record any unsolicited contact from pupils or their families."
)


REPORT = "Staff at {{ school.name }} report any unsolicited contact to the {{ dsl.role }} on the same day."


def run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["-C", str(root), "check"])
    _, err = capsys.readouterr()
    return status, err.splitlines()


def contact(body: str, front: str = "") -> str:
    """The minimal project's staff-contact clause with another body (and extra front matter)."""
    head = textwrap.dedent(FILES["clauses/staff/staff-contact.md"]).split("---")[1]
    return f"---{head}{front}---\n{body}\n"


def test_reading_level_over_target_names_the_hardest_sentences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"{HARD}\n\n{REPORT}"
    root = write_minimal(
        tmp_path, {"clauses/readability.yml": READABILITY, "clauses/staff/staff-contact.md": contact(body)}
    )
    status, err = run(root, capsys)
    assert status == 0
    assert err == [
        "clauses/staff/staff-contact.md:10: warning: reading level grade 13.2 for staff (target 12): "
        '"Staff must keep professional communications separate from personal corresponden…" (line 10); '
        '"Staff at name report any unsolicited contact to the name on the same day." (line 12)',
        "0 error(s), 1 warning(s)",
    ]


def test_a_justified_exception_in_front_matter_silences_the_reading_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = "reading_level: {max: 18, reason: quotes the statutory wording}\n"
    body = f"{HARD}\n\n{REPORT}"
    root = write_minimal(
        tmp_path,
        {"clauses/readability.yml": READABILITY, "clauses/staff/staff-contact.md": contact(body, front)},
    )
    assert run(root, capsys) == (0, [])


def test_pupils_target_follows_the_school_phase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outline = FILES["clauses/outline.yml"].replace("[staff, governors]", "[staff, governors, pupils]")
    text = "If you get a nasty message, tell a teacher straight away and keep a copy of it as evidence."
    clause = contact(text).replace("audiences: [staff, governors]", "audiences: [staff, pupils]")
    school = textwrap.dedent(FILES["schools/alpha.yml"]).replace("audiences: [staff]", "audiences: [staff, pupils]")
    files = {
        "clauses/readability.yml": READABILITY,
        "clauses/outline.yml": outline,
        "clauses/staff/staff-contact.md": clause.replace("variables: [dsl.role, school.name]", "variables: []"),
        "schools/alpha.yml": school.replace("governance: maintained", "governance: maintained\n  phase: secondary"),
    }
    assert run(write_minimal(tmp_path / "secondary", files), capsys) == (0, [])
    files["schools/alpha.yml"] = school.replace("governance: maintained", "governance: maintained\n  phase: primary")
    status, err = run(write_minimal(tmp_path / "primary", files), capsys)
    assert (status, err) == (
        0,
        [
            "clauses/staff/staff-contact.md:10: warning: reading level grade 8.0 for primary pupils (target 5): "
            '"If you get a nasty message, tell a teacher straight away and keep a copy of it…" (line 10)',
            "0 error(s), 1 warning(s)",
        ],
    )


def test_forbidden_term_in_clause_text_warns_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = (
        "Staff at {{ school.name }} must not contact pupils online.\n\n"
        "Report any contact to the {{ dsl.role }} or the designated child protection officer.\n\n"
        "Our E-Safety Award is renewed each year; e-safety lessons run every term."
    )
    root = write_minimal(tmp_path, {"clauses/terms.yml": TERMS, "clauses/staff/staff-contact.md": contact(body)})
    status, err = run(root, capsys)
    assert status == 0
    assert err == [
        'clauses/staff/staff-contact.md:12: warning: "designated child protection officer": write '
        '"Designated Safeguarding Lead" (the role\'s name in Keeping children safe in education)',
        'clauses/staff/staff-contact.md:14: warning: "e-safety": write "online safety" (the current term)',
        "0 error(s), 2 warning(s)",
    ]


def test_forbidden_term_in_a_school_value_warns_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school = textwrap.dedent(FILES["schools/alpha.yml"]) + "dsl:\n  role: Child Protection Officer\n  name: Ann Smith\n"
    root = write_minimal(tmp_path, {"clauses/terms.yml": TERMS, "schools/alpha.yml": school})
    status, err = run(root, capsys)
    assert status == 0
    assert err == [
        'schools/alpha.yml:12: warning: dsl.role: "Child Protection Officer": write "Designated Safeguarding Lead" '
        "(the role's name in Keeping children safe in education)",
        "0 error(s), 1 warning(s)",
    ]


def test_the_same_rule_in_two_clauses_of_a_policy_warns_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = "Staff must never accept friend requests from pupils on personal social media accounts."
    body = f"Staff at {{{{ school.name }}}} must not contact pupils online.\n\n{rule} Report to the {{{{ dsl.role }}}}."
    former = textwrap.dedent(FILES["clauses/staff/staff-former-pupils.md"]).replace(
        "Staff must not contact former pupils.\n",
        f"Staff must not contact former pupils.\n{rule.replace('never', 'not')}\n",
    )
    root = write_minimal(
        tmp_path, {"clauses/staff/staff-contact.md": contact(body), "clauses/staff/staff-former-pupils.md": former}
    )
    status, err = run(root, capsys)
    assert status == 0
    assert err == [
        "clauses/staff/staff-contact.md:12: warning: states the same rule as clauses/staff/staff-former-pupils.md:25 "
        'in the policy of alpha: "Staff must never accept friend requests from pupils on personal social media ac…"',
        "0 error(s), 1 warning(s)",
    ]


def test_mistakes_in_the_data_files_are_errors_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "clauses/readability.yml": READABILITY.replace("staff: 12", "staff: twelve"),
        "clauses/terms.yml": TERMS.replace("reason: the current term", "reasons: the current term"),
    }
    status, err = run(write_minimal(tmp_path, files), capsys)
    assert status == 1
    assert err == [
        "clauses/readability.yml:5: targets.staff: Input should be a valid number, unable to parse string as a number",
        "clauses/terms.yml:4: missing required value '1.reason'",
        "clauses/terms.yml:7: unknown key '1.reasons' (did you mean 'reason'?)",
        "3 error(s), 0 warning(s)",
    ]


def test_the_reading_level_needs_no_network() -> None:
    """textstat 0.7.8 reads its dictionaries from installed packages; later releases download one with nltk."""
    assert 2 < grade("The cat sat on the mat. It was a sunny day.") < 5 or grade("The cat sat on the mat.") < 5
    assert "nltk" not in sys.modules


def test_plain_text_reads_the_first_branch_of_each_if_without_markdown() -> None:
    skipping: list[bool] = []
    lines = [
        "Staff, {% if school.governance == 'independent' %}Directors{% else %}governors{% endif %} and volunteers.",
        "{% if school.nursery %}",
        "- In the **nursery**, see [the EYFS framework](https://www.gov.uk/eyfs) and {{ dsl.role }}.",
        "{% else %}",
        "Pupils follow the rules.",
        "{% endif %}",
        "| --- | --- |",
    ]
    assert [plain_line(line, "name", skipping) for line in lines] == [
        "Staff, Directors and volunteers.",
        "",
        "In the nursery, see the EYFS framework and name.",
        "",
        "",
        "",
        "",
    ]
    assert skipping == []
