"""The reference document: the shipped DOCX that defines every style the downloads use.

Like pandoc's ``reference.docx``, ``policies/documents/reference.docx`` is where the
look of the downloads lives: its styles, list numbering, settings and page
setup are copied into every school's document.  It is also a specimen:
opening it in Word or LibreOffice shows each style in use.

It is written by ``python -m policies.documents.docx_reference`` from ``docx_styles``,
so a change of house style is a reviewable diff of code; a test checks that the
shipped file is up to date.  ``load_reference`` reads the shipped file once per
process (not per school) and checks that it defines what the builder relies
on, so a broken reference document fails with a message naming what is missing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policies.documents.docx_package import (
    NS_ATTRS,
    XML_DECL,
    footer_xml,
    header_xml,
    para,
    read_package,
    relationships,
    run,
    write_package,
)
from policies.documents.docx_styles import (
    BULLET_LIST,
    FONT_TABLE_XML,
    HEADING_LIST,
    INDENT,
    NUMBERING_XML,
    ORDERED_ABSTRACT,
    PAGE,
    SETTINGS_XML,
    STYLES_XML,
    TEXT_WIDTH,
)
from policies.errors import ReferenceDocError

REFERENCE_PATH = Path(__file__).with_name("reference.docx")

# Every style id the document builder and the Markdown converter write.
REQUIRED_STYLES = frozenset(
    {"Normal", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "BodyText", "Quote", "Header", "Footer"}
    | {"ListBullet", "ListBullet2", "ListNumber", "ListNumber2", "ListContinue", "ListContinue2"}
    | {"TableText", "TableHeading", "PolicyTable", "Hyperlink", "Strong", "Emphasis", "HTMLCode"}
)

PART_RELS = [
    ("rId1", "styles", "styles.xml", False),
    ("rId2", "numbering", "numbering.xml", False),
    ("rId3", "settings", "settings.xml", False),
    ("rId4", "fontTable", "fontTable.xml", False),
    ("rId5", "header", "header1.xml", False),
    ("rId6", "footer", "footer1.xml", False),
]
SECTION_REFS = '<w:headerReference w:type="default" r:id="rId5"/><w:footerReference w:type="default" r:id="rId6"/>'


@dataclass(frozen=True)
class Reference:
    styles: bytes
    settings: bytes
    font_table: bytes
    numbering_open: str  # numbering.xml without its closing tag: documents append their list instances
    page: str  # the section's page size, margins and grid
    first_list_id: int  # documents number their own list instances from here, after the reference's


def _specimen() -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """A page showing every style, so opening the reference document shows what it defines."""
    from policies.documents.docx_markdown import markdown_xml, table_xml

    body = markdown_xml(
        "Body Text: clause text, with **Strong**, *Emphasis*, `HTML Code` and a "
        "[Hyperlink](https://www.gov.uk/).\n\n- List Bullet\n  - List Bullet 2\n\n  List Continue\n\n"
        "1. List Number\n   1. List Number 2\n\n      List Continue 2\n\n> Quote\n"
    )
    numbered = re.sub("\x00(\\d+)\x00", lambda m: str(10 + int(m[1])), body.xml)
    cells = [[para("TableHeading", run("Table Heading")), para("TableHeading", run("Policy Table"))]]
    cells.append([para("TableText", run("Table Text")), para("TableText", run("Repeated header rows"))])
    content = (
        para("Title", run("Title: the policy"))
        + para("Subtitle", run("Subtitle: the school"))
        + table_xml(cells, [2835, TEXT_WIDTH - 2835], "Specimen table")
        + para("Heading1", run("Heading 1: a section"), "<w:pageBreakBefore/>")
        + para("Heading2", run("Heading 2: a clause"))
        + numbered
        + para("Heading3", run("Heading 3: a sub-clause"))
        + para("BodyText", run(f"Clause text is indented {INDENT} twips, under the clause title."))
    )
    nums = "".join(f'<w:num w:numId="{10 + n}"><w:abstractNumId w:val="{ORDERED_ABSTRACT}"/></w:num>' for n in range(2))
    numbering = NUMBERING_XML.replace("</w:numbering>", nums + "</w:numbering>")
    return content, numbering, body.links


def make_reference() -> bytes:
    """The reference document, byte for byte the same on every run."""
    content, numbering, links = _specimen()
    section = f"<w:sectPr>{SECTION_REFS}{PAGE}</w:sectPr>"
    document = f"{XML_DECL}<w:document {NS_ATTRS}><w:body>{content}{section}</w:body></w:document>"
    rels = PART_RELS + [(rid, "hyperlink", url, True) for rid, url in links]
    return write_package(
        {
            "docProps/core.xml": (
                f"{XML_DECL}<cp:coreProperties "
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Reference document for policy downloads'
                "</dc:title><dc:language>en-GB</dc:language></cp:coreProperties>"
            ),
            "docProps/app.xml": (
                f"{XML_DECL}<Properties "
                'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>school-policies</Application></Properties>"
            ),
            "word/document.xml": document,
            "word/_rels/document.xml.rels": relationships(rels),
            "word/styles.xml": STYLES_XML,
            "word/numbering.xml": numbering,
            "word/settings.xml": SETTINGS_XML,
            "word/fontTable.xml": FONT_TABLE_XML,
            "word/header1.xml": header_xml("Header: the school", "the policy"),
            "word/footer1.xml": footer_xml("Footer: Version 1 \u2013 Review due Summer 2030 \u2013 "),
        }
    )


@lru_cache(maxsize=4)
def load_reference(path: Path = REFERENCE_PATH) -> Reference:
    """The parts every download copies, read once; checked for what the builder relies on."""
    try:
        parts = read_package(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ReferenceDocError(f"{path}: cannot read the reference document: {exc}") from exc
    styles = parts.get("word/styles.xml", b"")
    numbering = parts.get("word/numbering.xml", b"").decode("utf-8")
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles.decode("utf-8")))
    problems = [f"style {s} is not defined" for s in sorted(REQUIRED_STYLES - defined)]
    for num_id in (HEADING_LIST, BULLET_LIST):
        if f'<w:num w:numId="{num_id}">' not in numbering:
            problems.append(f"list numId {num_id} is not defined")
    if f'w:abstractNumId="{ORDERED_ABSTRACT}"' not in numbering:
        problems.append(f"abstract list {ORDERED_ABSTRACT} (ordered lists) is not defined")
    section = re.search(r"<w:sectPr\b[^>]*>(.*?)</w:sectPr>", parts.get("word/document.xml", b"").decode("utf-8"))
    if section is None:
        problems.append("the document has no section properties (page size and margins)")
    if problems:
        raise ReferenceDocError(f"{path}: " + "; ".join(problems))
    assert section is not None
    page = re.sub(r"<w:(headerReference|footerReference)\b[^>]*/>", "", section[1])
    return Reference(
        styles=styles,
        settings=parts.get("word/settings.xml", SETTINGS_XML.encode("utf-8")),
        font_table=parts.get("word/fontTable.xml", FONT_TABLE_XML.encode("utf-8")),
        numbering_open=numbering[: numbering.rindex("</w:numbering>")],
        page=page,
        first_list_id=max(int(n) for n in re.findall(r'<w:num w:numId="(\d+)"', numbering)) + 1,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m policies.documents.docx_reference [PATH]``: write the reference document.

    The default PATH is the shipped one.
    """
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else REFERENCE_PATH
    target.write_bytes(make_reference())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
