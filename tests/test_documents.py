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
