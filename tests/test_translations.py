"""A second language beside English (designed, not filled): a translation older than its text is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.load.translations import digest
from tests.minimal import write_minimal

from .helpers import load_and_check, main

WELSH = """\
---
translates: staff-contact
language: cy
source: {source}
title: Cyswllt â disgyblion
---
Rhaid i staff {{{{ school.name }}}} beidio â chysylltu â disgyblion ar-lein.

Rhowch wybod am unrhyw gyswllt i'r {{{{ dsl.role }}}}.
"""


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["-C", str(root), "check"])
    return status, capsys.readouterr().err.splitlines()


def test_a_current_translation_is_quiet_and_a_stale_one_warns_with_the_new_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_minimal(tmp_path)
    project, _ = load_and_check(root)
    current = digest(project.clauses["staff-contact"])
    path = root / "clauses" / "staff" / "staff-contact.cy.md"
    path.write_text(WELSH.format(source=current), encoding="utf-8")
    status, err = run_check(root, capsys)
    assert status == 0 and not [line for line in err if "staff-contact.cy.md" in line]
    # The English changes: the translation is now older than the text it translates.
    english = root / "clauses" / "staff" / "staff-contact.md"
    english.write_text(english.read_text().replace("online.", "online, on any app."), encoding="utf-8")
    project, _ = load_and_check(root)
    changed = digest(project.clauses["staff-contact"])
    status, err = run_check(root, capsys)
    assert status == 0
    assert (
        f"clauses/staff/staff-contact.cy.md:4: warning: older than the text it translates: staff-contact has "
        f"changed since; translate the change, then set source: {changed}"
    ) in err


def test_a_translation_must_read_the_same_values_and_translate_its_own_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_minimal(tmp_path)
    project, _ = load_and_check(root)
    text = WELSH.format(source=digest(project.clauses["staff-contact"])).replace("{{ dsl.role }}", "DSL")
    (root / "clauses" / "staff" / "staff-contact.cy.md").write_text(text, encoding="utf-8")
    (root / "clauses" / "staff" / "staff-former-pupils.cy.md").write_text(text, encoding="utf-8")
    status, err = run_check(root, capsys)
    assert status == 1
    assert "clauses/staff/staff-contact.cy.md:7: warning: reads other values than the English: dsl.role" in err
    assert (
        "clauses/staff/staff-former-pupils.cy.md:2: translates 'staff-contact', which is not the clause beside it"
    ) in err
    assert not [line for line in err if "staff-contact.cy.md" in line and "id" in line and "match" in line]
