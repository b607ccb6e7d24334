"""The house style every download copies, and a specimen document that shows it.

The look of the downloads is code: ``docx_styles`` holds the styles, list
numbering, settings and page setup as WordprocessingML, and :func:`house_style`
hands them to every school's document (no file is read at run time, so there is
nothing to parse back or validate).  A change of house style is a reviewable
diff of ``docx_styles.py`` and of the DOCX it changes.

The specimen (:func:`make_reference`) is the same parts around a page showing
each style in use: ``python -m policies.documents.docx_reference FILE`` writes it
for a designer to open in Word or LibreOffice.  It is written on demand, never
read back: an edit made in Word is carried into ``docx_styles.py`` by hand.
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
    relationships,
    run,
    write_package,
)
from policies.documents.docx_styles import (
    FONT_TABLE_XML,
    INDENT,
    NUMBERING_XML,
    ORDERED_ABSTRACT,
    PAGE,
    SETTINGS_XML,
    STYLES_XML,
    TEXT_WIDTH,
)

# The two list instances the specimen's ordered lists use (numId 10 and 11).  Every download carries
# them too, as it did when the reference document was a committed file read back at run time, so the
# downloads stayed byte for byte the same when it stopped being one; a document's own lists follow.
SPECIMEN_NUMS = "".join(
    f'<w:num w:numId="{10 + n}"><w:abstractNumId w:val="{ORDERED_ABSTRACT}"/></w:num>' for n in range(2)
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
    """The parts of the house style that every download copies."""

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
    return content, house_style().numbering_open + "</w:numbering>", body.links


def make_reference() -> bytes:
    """The specimen: the house style around a page using every style, byte for byte the same on every run."""
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
            "word/footer1.xml": footer_xml("Footer: Version 1 \u2013 Next review Summer 2030 \u2013 "),
        }
    )


@lru_cache(maxsize=1)
def house_style() -> Reference:
    """The house style's parts, from ``docx_styles``, made once per process."""
    numbering = NUMBERING_XML.replace("</w:numbering>", SPECIMEN_NUMS + "</w:numbering>")
    return Reference(
        styles=STYLES_XML.encode("utf-8"),
        settings=SETTINGS_XML.encode("utf-8"),
        font_table=FONT_TABLE_XML.encode("utf-8"),
        numbering_open=numbering[: numbering.rindex("</w:numbering>")],
        page=PAGE,
        first_list_id=max(int(n) for n in re.findall(r'<w:num w:numId="(\d+)"', numbering)) + 1,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m policies.documents.docx_reference [FILE]``: write the specimen (default ``reference.docx``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("reference.docx")
    target.write_bytes(make_reference())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
