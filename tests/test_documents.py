"""Documents: several documents per school from one library, each with its page, numbering, DOCX and PDF."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.minimal import FILES, write_minimal

from .helpers import ROOT, all_text, built, main, open_docx, policies_of, read_package

OUTLINE = """
    title: Social Media Policy
    sections:
      - id: staff
        title: Staff
        audiences: [staff, governors]
        clauses: [staff-contact, staff-former-pupils]
      - id: pupils
        title: Pupils' section
        audiences: [pupils]
        clauses: [pupils-rules]
"""

DOCUMENTS = """
    staff-policy:
      title: Staff Social Media Policy
      stem: social-media-policy
      description: For staff.
      audiences: [staff, governors]
      sections: [staff]
    pupils-rules:
      title: Online Safety Rules
      stem: online-safety-rules
      description: For pupils.
      audiences: [pupils]
      sections: [pupils]
      titles:
        pupils: Our rules
"""

PUPILS = """
    ---
    id: pupils-rules
    title: Be kind online
    section: pupils
    audiences: [pupils]
    provenance: ["000"]
    ---
    Be kind online. Staff follow [](#staff-contact).
"""


def project(tmp_path: Path, school: str = "documents: [staff-policy, pupils-rules]\n", **files: str) -> Path:
    alpha = textwrap.dedent(FILES["schools/alpha.yml"]).replace("audiences: [staff]", "audiences: [staff, pupils]")
    return write_minimal(
        tmp_path,
        {
            "clauses/outline.yml": OUTLINE,
            "clauses/documents.yml": DOCUMENTS,
            "clauses/pupils/pupils-rules.md": PUPILS,
            "schools/alpha.yml": alpha + school,
            **files,
        },
    )


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["-C", str(root), "check"])
    return status, capsys.readouterr().err.splitlines()


def test_each_document_has_its_page_numbering_docx_and_pdf(tmp_path: Path) -> None:
    root = project(tmp_path)
    staff, pupils = policies_of(root)
    assert (staff.document, staff.page, staff.stem, staff.title) == (
        "staff-policy",
        "schools/alpha.md",
        "alpha-social-media-policy",
        "Staff Social Media Policy",
    )
    assert (pupils.document, pupils.page, pupils.stem) == (
        "pupils-rules",
        "documents/pupils-rules/alpha.md",
        "alpha-online-safety-rules",
    )
    assert [(s.number, s.title, [c.number for c in s.clauses]) for s in pupils.sections] == [
        ("1", "Our rules", ["1.1"])
    ]
    assert [c.id for s in staff.sections for c in s.clauses] == ["staff-contact", "staff-former-pupils"]
    out = built(root)
    for name in (
        "schools/alpha.md",
        "documents/pupils-rules/alpha.md",
        "downloads/alpha-social-media-policy.docx",
        "downloads/alpha-social-media-policy.pdf",
        "downloads/alpha-online-safety-rules.docx",
        "downloads/alpha-online-safety-rules.pdf",
    ):
        assert name in out, name
    page = str(out["documents/pupils-rules/alpha.md"])
    assert page.startswith("# Alpha Primary School: Online Safety Rules\n")
    assert "[Staff Social Media Policy](../../schools/alpha.md); Online Safety Rules (this one)" in page
    # A clause of another document: its number there and the document's title, linking its page.
    assert (
        "Staff follow [1.1 Contact with pupils, in the Staff Social Media Policy]"
        "(../../schools/alpha.md#staff-contact)." in page
    )
    assert "[Online Safety Rules](../documents/pupils-rules/alpha.md)" in str(out["schools/alpha.md"])
    home = str(out["index.md"])
    assert (
        "[Staff Social Media Policy](schools/alpha.md)" in home
        and "[Online Safety Rules](documents/pupils-rules/alpha.md)" in home
    )
    docx = open_docx(bytes(out["downloads/alpha-online-safety-rules.docx"]))
    assert docx.paragraphs[0].text == "Online Safety Rules"
    text = all_text(docx)
    assert "Staff follow 1.1 Contact with pupils, in the Staff Social Media Policy." in text
    xml = read_package(bytes(out["downloads/alpha-online-safety-rules.docx"]))["word/document.xml"].decode()
    assert "w:anchor=" not in xml  # no link to a bookmark this document does not have


def test_a_school_without_documents_publishes_one_policy(tmp_path: Path) -> None:
    root = project(tmp_path, school="")
    (policy,) = policies_of(root)
    assert (policy.document, policy.page, policy.stem) == ("", "schools/alpha.md", "alpha-social-media-policy")
    assert [s.id for s in policy.sections] == ["staff", "pupils"]
    assert "Staff follow [1.1 Contact with pupils](#staff-contact)." in policy.sections[1].clauses[0].body


def test_document_mistakes_are_errors_at_their_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents = DOCUMENTS.replace("sections: [pupils]", "sections: [pupils, nowhere]")
    documents += "    parents-code:\n      title: Code\n      stem: social-media-policy\n"
    documents += "      description: x\n      audiences: [parents]\n"
    root = project(
        tmp_path,
        school="documents: [staff-policy, parents-code, leaflet]\n",
        **{"clauses/documents.yml": documents},
    )
    status, err = run_check(root, capsys)
    assert status == 1
    text = "\n".join(err)
    assert "clauses/documents.yml:12: pupils-rules: unknown section 'nowhere' (not in clauses/outline.yml)" in text
    assert "clauses/documents.yml:17: parents-code: stem 'social-media-policy' is also staff-policy's" in text
    lines = (root / "schools/alpha.yml").read_text().splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("documents:"))
    assert (
        f"schools/alpha.yml:{at}: documents: 'parents-code' is for parents, none of whom this school's audiences "
        "(staff, pupils) name"
    ) in text
    assert f"schools/alpha.yml:{at}: documents: unknown document 'leaflet'" in text
    assert "Traceback" not in text


def test_an_audience_no_published_document_is_for_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, school="documents: [staff-policy]\n")
    status, err = run_check(root, capsys)
    assert status == 0
    assert any(
        "documents: its audiences name pupils, but no document it publishes is for them" in line for line in err
    ), err
    # What it publishes decides what it holds: the pupils' clause is in none of its documents.
    (policy,) = policies_of(root)
    assert [c.id for s in policy.sections for c in s.clauses] == ["staff-contact", "staff-former-pupils"]


def test_the_shipped_schools_publish_the_documents_their_sources_had() -> None:
    published = {}
    for policy in policies_of(ROOT):
        published.setdefault(policy.slug, []).append(policy.document)
    assert published == {
        "elton": ["staff-policy", "pupils-rules", "acceptable-use-agreement"],
        "milnthorpe": ["parents-code"],
        "montessori-place": ["staff-policy", "pupils-rules"],
        "st-anns": ["staff-policy"],
        "st-michaels": ["staff-policy"],
    }
    elton = {p.document: p for p in policies_of(ROOT) if p.slug == "elton"}
    assert elton["staff-policy"].title == "Social Networking and Acceptable Use Policy"  # the school's own title
    assert [s.id for s in elton["acceptable-use-agreement"].sections] == ["agreement"]
    assert [s.id for s in elton["pupils-rules"].sections] == ["pupils"]
    assert "pupils" not in [s.id for s in elton["staff-policy"].sections]


def test_a_documents_reading_level_is_checked_for_its_clauses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hard = PUPILS.replace(
        "Be kind online.",
        "Notwithstanding considerable institutional responsibilities, communications necessitate extraordinary "
        "consideration regarding appropriateness, proportionality and confidentiality.",
    )
    documents = DOCUMENTS.replace("      sections: [pupils]\n", "      sections: [pupils]\n      reading_level: 3\n")
    readability = (ROOT / "clauses" / "readability.yml").read_text(encoding="utf-8")
    files = {"clauses/documents.yml": documents, "clauses/pupils/pupils-rules.md": hard}
    root = project(tmp_path, **files, **{"clauses/readability.yml": readability})
    status, err = run_check(root, capsys)
    assert status == 0
    assert any(
        line.startswith("clauses/pupils/pupils-rules.md:") and "the Online Safety Rules (target 3)" in line
        for line in err
    ), err


@pytest.mark.slow  # a real build of the shipped library, PDFs included
def test_the_phase_rules_hold_their_own_clauses_at_their_reading_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A school that publishes the rules for young children and for secondary pupils (an all-through school)
    gets a page, DOCX and PDF of each, holding that phase's clauses only, each within the document's grade."""
    from policies.load.clauses import DEFAULT
    from policies.load.plaintext import VALUE_WORD, sentences
    from policies.load.readability import grade

    from .helpers import checked, copy_project, pdf_text

    root = copy_project(tmp_path / "project")
    # Elton's values, as a new all-through school (no source policy) that publishes both.
    elton = (root / "schools" / "elton.yml").read_text(encoding="utf-8")
    school = (
        elton.replace("  phase: primary\n", "  phase: all-through\n")
        .replace("Elton Primary School & Nursery", "Phases All-through School")
        .replace("Elton Primary School and Nursery", "Phases All-through School")
        .replace('source: "003"', "")
        .replace(
            "documents: [staff-policy, pupils-rules, acceptable-use-agreement]",
            "documents: [staff-policy, pupils-rules-early, pupils-rules-secondary, acceptable-use-agreement]",
        )
    )
    assert school.count("pupils-rules-early") == 1 and "\nsource:" not in school
    (root / "schools" / "phases.yml").write_text(school, encoding="utf-8")
    wanted = {"pupils-rules-early": ("pupils-early", 2), "pupils-rules-secondary": ("pupils-secondary", 8)}
    documents = {p.document: p for p in policies_of(root) if p.slug == "phases"}
    project, _ = checked(root)
    sections = {s.id: s.clauses for s in project.outline.sections}
    out = built(root)
    for doc_id, (section, level) in wanted.items():
        policy = documents[doc_id]
        held = [c.id for s in policy.sections for c in s.clauses]
        assert held == sections[section] and len(held) >= 4, doc_id
        assert [s.id for s in policy.sections] == [section]
        page = str(out[policy.page])
        docx = all_text(open_docx(bytes(out[f"downloads/{policy.stem}.docx"])))
        pdf = pdf_text(bytes(out[f"downloads/{policy.stem}.pdf"]))
        assert page.startswith(f"# Phases All-through School: {project.documents[doc_id].title}\n")
        for clause_id in held:
            clause = project.clauses[clause_id]
            assert f"{{#{clause_id}" in page, clause_id
            for title_in in (docx, pdf):
                assert clause.meta.title in title_in, (doc_id, clause_id)
            text = [s.text for s in sentences(clause, DEFAULT, VALUE_WORD)]
            measured = grade(" ".join(t if t[-1] in ".!?" else t + "." for t in text))
            assert measured <= level, (clause_id, measured)
        other = "pupils-secondary" if section == "pupils-early" else "pupils-early"
        assert f"{{#{sections[other][0]}" not in page
    # `policies check` applies each document's reading level to the clauses it holds: no warning for them.
    status, err = run_check(root, capsys)
    assert status == 0
    assert not [line for line in err if "clauses/pupils-" in line and "reading level" in line], err
