"""England and Wales: a school's jurisdiction decides the terms, guidance and law its documents use."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from policies.load.jurisdictions import localise, localise_label

from .helpers import ROOT, all_text, built, copy_project, fill_markers, main, open_docx, pdf_text, policies_of, require
from .minimal import FILES, write_minimal

VALUES = {
    "school.governance": "maintained",
    "school.phase": "primary",
    "policy.adopted": "Autumn 2026",
    "policy.approved_by": "the Governing Body",
    "policy.review": "Autumn 2027",
}


def filled(text: str) -> str:
    """A new-school file with every TO FILL given a plain value."""

    def value_of(path: str) -> str:
        return VALUES.get(path) or ("029 2087 2087" if path.endswith(".phone") else f"Test {path.replace('.', ' ')}")

    return fill_markers(text, value_of)


@pytest.fixture(scope="module")
def wales(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | bytes]]:
    root = copy_project(tmp_path_factory.mktemp("wales") / "project")
    assert (
        main(["-C", str(root), "new-school", "ysgol-y-bryn", "--name", "Ysgol y Bryn", "--jurisdiction", "wales"]) == 0
    )
    path = root / "schools" / "ysgol-y-bryn.yml"
    path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["-C", str(root), "check"]) == 0
    return root, built(root)


def test_a_new_school_in_wales_gets_welsh_terms_and_no_english_only_term(
    wales: tuple[Path, dict[str, str | bytes]],
) -> None:
    require("pdftotext")
    root, out = wales
    avoid = yaml.safe_load((ROOT / "clauses" / "jurisdictions.yml").read_text(encoding="utf-8"))["wales"]["avoid"]
    mine = [p for p in policies_of(root) if p.slug == "ysgol-y-bryn"]
    assert [p.document for p in mine] == ["staff-policy", "parents-code", "pupils-rules", "acceptable-use-agreement"]
    texts = []
    for policy in mine:
        texts.append(str(out[policy.page]))
        texts.append(all_text(open_docx(bytes(out[f"downloads/{policy.stem}.docx"]))))
        texts.append(pdf_text(bytes(out[f"downloads/{policy.stem}.pdf"])))
    text = "\n".join(texts)
    found = [term for term in avoid if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text)]
    assert found == []
    for welsh in ("Designated Safeguarding Person", "Keeping learners safe", "the DSP"):
        assert welsh in text, welsh
    staff = mine[0]
    assert "procedures-searching-devices" not in [c.id for s in staff.sections for c in s.clauses]  # England only
    references = {ref for s in staff.sections for c in s.clauses for ref in c.references}
    assert {"keeping-learners-safe", "wales-safeguarding-procedures"} <= references
    assert not references & {"kcsie", "working-together", "phones-guidance", "education-act-1996"}


def test_english_schools_keep_englands_terms() -> None:
    for policy in policies_of(ROOT):
        assert policy.jurisdiction == "england" and policy.terms == ()
    elton = next(p for p in policies_of(ROOT) if p.slug == "elton" and p.main)
    text = "\n".join(c.body for s in elton.sections for c in s.clauses)
    assert "Keeping children safe in education" in text and "DSP" not in text


def test_replacements_change_the_librarys_words_never_a_schools_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The school's name contains "DSL": the library's "DSL" becomes "DSP", the name stays, and check says
    an English term reached the Welsh school through its own value."""
    clause = (
        textwrap.dedent(FILES["clauses/staff/staff-contact.md"])
        .replace("Report any contact to the {{ dsl.role }}.", "Report any contact to the DSL at {{ school.name }}.")
        .replace("variables: [dsl.role, school.name]", "variables: [school.name]")
    )
    jurisdictions = """
        wales:
          name: Wales
          replacements:
            - {find: DSL, replace: DSP}
          avoid: [DSL]
    """
    school = textwrap.dedent(FILES["schools/alpha.yml"]).replace("Alpha Primary School", "DSL Academy")
    root = write_minimal(
        tmp_path,
        {
            "clauses/staff/staff-contact.md": clause,
            "clauses/jurisdictions.yml": jurisdictions,
            "schools/alpha.yml": school + "jurisdiction: wales\n",
        },
    )
    assert main(["-C", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert (
        "schools/alpha.yml:1: 'DSL' is not a term of Wales, but alpha is a school there (staff-contact, from a value "
        "in its file): use the term of its country"
    ) in err
    assert "clauses/staff/staff-contact.md" not in err  # the library's own "DSL" was replaced
    (policy,) = policies_of_unchecked(root)
    assert "Report any contact to the DSP at DSL Academy." in policy.sections[0].clauses[0].body


def policies_of_unchecked(root: Path):  # type: ignore[no-untyped-def]
    from policies.load.problems import Problems
    from policies.resolve.prepare import load_and_check, resolve_all

    project, _ = load_and_check(root)
    return resolve_all(project, Problems(root))


def test_an_english_term_left_in_a_clause_is_an_error_at_the_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clause = textwrap.dedent(FILES["clauses/staff/staff-contact.md"]).replace(
        "Report any contact", "Ofsted expects you to report any contact"
    )
    jurisdictions = "wales:\n  name: Wales\n  avoid: [Ofsted]\n"
    school = textwrap.dedent(FILES["schools/alpha.yml"]) + "jurisdiction: wales\n"
    root = write_minimal(
        tmp_path,
        {
            "clauses/staff/staff-contact.md": clause,
            "clauses/jurisdictions.yml": jurisdictions,
            "schools/alpha.yml": school,
        },
    )
    assert main(["-C", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"clauses/staff/staff-contact\.md:\d+: 'Ofsted' is not a term of Wales, but alpha is a school", err
    )
    # Marked for England only, the clause is left out of the Welsh school's policy and the error goes.
    marked = clause.replace("provenance:", "jurisdictions: [england]\nprovenance:")
    (root / "clauses/staff/staff-contact.md").write_text(marked.lstrip("\n"), encoding="utf-8")
    assert main(["-C", str(root), "check"]) == 0, capsys.readouterr().err


def test_labels_keep_their_case() -> None:
    terms = (("Designated Safeguarding Lead", "Designated Safeguarding Person"),)
    assert localise_label("Designated safeguarding lead", terms) == "Designated safeguarding person"
    assert localise_label("Designated Safeguarding Lead", terms) == "Designated Safeguarding Person"
    assert localise("the DSL and the DSLs", (("DSL", "DSP"),)) == "the DSP and the DSLs"
