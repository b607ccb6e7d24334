"""The DOCX downloads, read back with python-docx: structure, numbering, properties, literal values, bytes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx.document import Document

from policies.documents.docx_reference import house_style, make_reference
from policies.documents.docx_reference import main as docx_reference_main
from policies.history.versions import with_versions

from .helpers import (
    ALPHA,
    HOSTILE,
    LISTS_CLAUSE,
    LOCAL_FACTS,
    ROOT,
    ResolvedPolicy,
    all_text,
    docx_of,
    main_policies,
    open_docx,
    policies_of,
    read_package,
    school_with_hostile_values,
)
from .minimal import write_minimal

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def list_numbers(document: Document) -> Iterator[tuple[str, str, str]]:
    """(style, text, number) of every numbered paragraph, numbered as Word does from numbering.xml.

    Lists sharing an abstract list continue each other's count unless a list
    instance overrides its start (the "List Number continues" trap); a level
    restarts after any higher level.
    """
    root = document.part.numbering_part.element
    abstract = {a.get(f"{W}abstractNumId"): a for a in root.iter(f"{W}abstractNum")}
    nums = {}
    for num in root.iter(f"{W}num"):
        starts = {
            int(o.get(f"{W}ilvl")): int(o.find(f"{W}startOverride").get(f"{W}val"))
            for o in num.iter(f"{W}lvlOverride")
            if o.find(f"{W}startOverride") is not None
        }
        nums[num.get(f"{W}numId")] = (num.find(f"{W}abstractNumId").get(f"{W}val"), starts)
    assert len(nums) == len(list(root.iter(f"{W}num"))), "each list instance is defined once"
    counters: dict[str, list[int | None]] = {}
    seen: set[str] = set()
    for paragraph in document.paragraphs:
        found = numbering_of(paragraph)
        if found is None or found[0] == "0":
            continue
        num_id, ilvl = found
        abstract_id, starts = nums[num_id]
        levels = {int(lvl.get(f"{W}ilvl")): lvl for lvl in abstract[abstract_id].iter(f"{W}lvl")}
        count = counters.setdefault(abstract_id, [None] * 9)
        if num_id not in seen:
            seen.add(num_id)
            for level, start in starts.items():
                count[level] = start - 1
        first = int(levels[ilvl].find(f"{W}start").get(f"{W}val"))
        count[ilvl] = (first - 1 if count[ilvl] is None else count[ilvl]) + 1
        count[ilvl + 1 :] = [None] * (8 - ilvl)
        label = levels[ilvl].find(f"{W}lvlText").get(f"{W}val")
        for level in range(ilvl + 1):
            label = label.replace(f"%{level + 1}", str(count[level] or 1))
        yield paragraph.style.name, paragraph.text, label


def numbering_of(paragraph) -> tuple[str, int] | None:
    """(numId, level) from the paragraph, else from its style chain."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
        ilvl = ppr.numPr.ilvl.val if ppr.numPr.ilvl is not None else 0
        return str(ppr.numPr.numId.val), ilvl
    style = paragraph.style
    while style is not None:
        num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            return str(num_pr.numId.val), num_pr.ilvl.val if num_pr.ilvl is not None else 0
        style = style.base_style
    return None


@pytest.fixture(scope="module")
def shipped() -> dict[str, bytes]:
    return docx_of(ROOT)


@pytest.fixture(scope="module")
def shipped_policies() -> dict[str, ResolvedPolicy]:
    return main_policies(ROOT)


@pytest.fixture(scope="module")
def alpha(tmp_path_factory: pytest.TempPathFactory) -> tuple[ResolvedPolicy, Document, bytes]:
    root = write_minimal(
        tmp_path_factory.mktemp("alpha"), {"schools/alpha.yml": ALPHA, "clauses/staff/staff-contact.md": LISTS_CLAUSE}
    )
    (policy,) = with_versions(policies_of(root), {})  # as the build knows it: no approval recorded
    (data,) = docx_of(root).values()
    return policy, open_docx(data), data


def test_one_docx_per_document_named_for_the_school_and_document(shipped: dict[str, bytes]) -> None:
    assert sorted(shipped) == sorted(f"downloads/{p.stem}.docx" for p in policies_of(ROOT))
    assert sorted(shipped) == [
        "downloads/elton-acceptable-use-agreement.docx",
        "downloads/elton-online-safety-rules.docx",
        "downloads/elton-social-media-policy.docx",
        "downloads/milnthorpe-parents-code-of-conduct.docx",
        "downloads/montessori-place-online-safety-rules.docx",
        "downloads/montessori-place-social-media-policy.docx",
        "downloads/st-anns-social-media-policy.docx",
        "downloads/st-michaels-social-media-policy.docx",
    ]


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_headings_are_heading_styles_numbered_as_on_the_site(
    shipped: dict[str, bytes], shipped_policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    policy = shipped_policies[slug]
    document = open_docx(shipped[f"downloads/{policy.stem}.docx"])
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == policy.title
    expected = []
    for section in policy.sections:
        expected.append(("Heading 1", section.title, f"{section.number}."))
        expected += [("Heading 2", clause.title, clause.number) for clause in section.clauses]
    numbered = [item for item in list_numbers(document) if item[0].startswith("Heading")]
    assert numbered == expected
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[: len(expected)] == [(style, text) for style, text, _ in expected]
    assert headings[len(expected) :] == [  # unnumbered
        ("Heading 1", "Legislation and guidance referred to"),
        ("Heading 1", "Annex: changes to confirm"),  # every shipped school records its source policy
    ]
    assert not any(text[:1].isdigit() for _, text in headings), "numbers come from the list, not typed text"


def test_clause_numbers_restart_in_each_section(alpha: tuple[ResolvedPolicy, Document, bytes]) -> None:
    numbers = [label for style, _, label in list_numbers(alpha[1]) if style.startswith("Heading")]
    shipped = open_docx(docx_of(ROOT)["downloads/elton-social-media-policy.docx"])
    elton = [label for style, _, label in list_numbers(shipped) if style.startswith("Heading")]
    assert numbers == ["1.", "1.1", "1.2"]
    assert elton[:3] == ["1.", "1.1", "1.2"] and "2." in elton and elton[elton.index("2.") + 1] == "2.1"


def test_each_ordered_list_restarts_and_bullets_nest(alpha: tuple[ResolvedPolicy, Document, bytes]) -> None:
    items = [(style, text, label) for style, text, label in list_numbers(alpha[1]) if style.startswith("List")]
    assert items == [
        ("List Number", "first", "1."),
        ("List Number", "second", "2."),
        ("List Number", "again one", "1."),
        ("List Number", "again two", "2."),
        ("List Bullet 2", "a nested bullet", "\u2013"),
    ]


def test_core_properties_come_from_the_policy(alpha: tuple[ResolvedPolicy, Document, bytes]) -> None:
    props = alpha[1].core_properties
    assert (props.title, props.subject, props.author) == (
        "Social Media Policy",
        "Social Media Policy",
        "Alpha Primary School",
    )
    assert props.language == "en-GB"
    assert props.created.date().isoformat() == "2023-03-01"  # adopted
    assert props.modified.date().isoformat() == "2024-04-01"  # updated: Summer 2024 begins in April
    assert props.last_modified_by == "Alpha Primary School" and props.version == "2.1"


def test_dates_are_never_invented(shipped: dict[str, bytes], shipped_policies: dict[str, ResolvedPolicy]) -> None:
    for slug, policy in shipped_policies.items():
        props = open_docx(shipped[f"downloads/{policy.stem}.docx"]).core_properties
        adopted = policy.dates.adopted
        assert (props.created.date() if props.created else None) == (adopted.start if adopted else None), slug


def test_default_language_is_british_english(shipped: dict[str, bytes]) -> None:
    for data in shipped.values():
        parts = read_package(data)
        styles = parts["word/styles.xml"].decode()
        assert "<w:docDefaults><w:rPrDefault><w:rPr>" in styles and '<w:lang w:val="en-GB"' in styles
        assert '<w:themeFontLang w:val="en-GB"/>' in parts["word/settings.xml"].decode()


def test_header_names_the_school_and_footer_has_page_fields(alpha: tuple[ResolvedPolicy, Document, bytes]) -> None:
    section = alpha[1].sections[0]
    assert section.header.paragraphs[0].text == "Alpha Primary School\tSocial Media Policy"
    footer = section.footer.paragraphs[0]
    assert alpha[0].version is not None and alpha[0].version.draft  # no approval recorded: a draft, marked as one
    expected = f"Draft \u2013 {alpha[0].version.identifier} \u2013 Version 2.1 \u2013 Next review Summer 2026"
    assert footer.text == f"{expected} \u2013 Page 1 of 1"
    instructions = [i.text.strip() for i in footer._p.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [f.get(f"{W}fldCharType") for f in footer._p.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2


def test_cover_block_carries_dates_approval_and_contacts(alpha: tuple[ResolvedPolicy, Document, bytes]) -> None:
    cover = {row.cells[0].text: row.cells[1].text for row in alpha[1].tables[0].rows}
    assert cover["Adopted"] == "1 March 2023" and cover["Approving body"] == "Full Governors"
    assert cover["Version"] == "2.1" and cover["Next review"] == "Summer 2026"
    assert "Designated Safeguarding Lead" not in cover  # in the contacts box, not twice
    contacts = [[cell.text for cell in row.cells] for row in alpha[1].tables[1].rows]
    assert contacts == [["Role", "Contact"], ["Designated Safeguarding Lead", "Jo Bloggs, dsl@alpha.example.org"]]


def test_tables_repeat_their_header_row(shipped: dict[str, bytes]) -> None:
    for name, data in shipped.items():
        document = open_docx(data)
        assert len(document.tables) == 3, name  # policy details; who to contact; legislation and guidance
        for table in document.tables:
            rows = table._tbl.tr_lst
            assert rows[0].trPr is not None and rows[0].trPr.find(f"{W}tblHeader") is not None, name
            assert all(row.trPr is None or row.trPr.find(f"{W}tblHeader") is None for row in rows[1:]), name


def test_hyperlinks_point_somewhere(alpha: tuple[ResolvedPolicy, Document, bytes], shipped: dict[str, bytes]) -> None:
    for document in [alpha[1], *(open_docx(d) for d in shipped.values())]:
        rels = document.part.rels
        links = list(document.element.body.iter(f"{W}hyperlink"))
        assert links
        bookmarks = {mark.get(f"{W}name") for mark in document.element.body.iter(f"{W}bookmarkStart")}
        for link in links:
            if link.get(f"{W}anchor") is not None:  # a cross-reference to a clause: a bookmark in this document
                assert link.get(f"{W}anchor") in bookmarks
                continue
            rel = rels[link.get(f"{R}id")]
            assert rel.is_external and rel.target_ref.startswith(("https://", "http://", "mailto:"))
    targets = {rel.target_ref for rel in alpha[1].part.rels.values() if rel.is_external}
    assert {"https://www.gov.uk/", "mailto:dsl@alpha.example.org", "https://alpha.example.org/"} <= targets


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_every_local_fact_is_in_the_docx(shipped: dict[str, bytes], slug: str) -> None:
    documents = [p for p in policies_of(ROOT) if p.slug == slug]  # the facts may be in any of its documents
    text = "\n".join(all_text(open_docx(shipped[f"downloads/{p.stem}.docx"])) for p in documents)
    missing = [fact for fact in LOCAL_FACTS[slug] if fact.replace("&amp;", "&") not in text]
    assert not missing


def test_hostile_values_appear_literally(tmp_path: Path) -> None:
    root = write_minimal(tmp_path, {"schools/alpha.yml": school_with_hostile_values()})
    (data,) = docx_of(root).values()
    text = all_text(open_docx(data))
    for value in (*HOSTILE.values(), "<b>Governors</b>", "&lt;Jane&gt; Smith"):
        assert value in text, value
    assert "Staff at {{ 7 * 7 }}" in text and "49" not in text
    assert "&#" not in text and "&lt;script" not in text
    body = read_package(data)["word/document.xml"].decode()
    assert (
        "<script>" not in body
        and 'href="javascript' not in body
        and "javascript:" not in json.dumps([r.target_ref for r in open_docx(data).part.rels.values()])
    )


def test_same_inputs_give_identical_bytes(shipped: dict[str, bytes]) -> None:
    again = docx_of(ROOT)
    assert again == shipped
    script = (
        "import hashlib, json; from pathlib import Path; from tests.helpers import docx_of; "
        "print(json.dumps({k: hashlib.sha256(v).hexdigest() for k, v in docx_of(Path('.')).items()}))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(other.stdout) == {k: hashlib.sha256(v).hexdigest() for k, v in shipped.items()}


def test_zip_members_have_fixed_order_and_time(shipped: dict[str, bytes]) -> None:
    for data in shipped.values():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
        assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_house_style_defines_every_style_used(shipped: dict[str, bytes]) -> None:
    """The downloads copy the house style from code (docx_styles): every style they use is defined there."""
    defined = set(re.findall(r'w:styleId="([^"]+)"', house_style().styles.decode()))
    for data in shipped.values():
        parts = read_package(data)
        assert parts["word/styles.xml"] == house_style().styles
        used = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', parts["word/document.xml"].decode()))
        assert used <= defined, used - defined


def test_the_specimen_shows_the_house_style(tmp_path: Path) -> None:
    """``python -m policies.documents.docx_reference FILE`` writes a document Word opens, in the house style."""
    target = tmp_path / "reference.docx"
    assert docx_reference_main([str(target)]) == 0
    assert target.read_bytes() == make_reference()
    specimen = open_docx(target.read_bytes())
    assert specimen.paragraphs[0].style.name == "Title"
    assert read_package(target.read_bytes())["word/styles.xml"] == house_style().styles
